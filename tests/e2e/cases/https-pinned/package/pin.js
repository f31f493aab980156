// Test fixture, run only inside snare's sandbox: fake hosts only.
const https = require('https'), http = require('http');
// A CA of the fixture's own: the sink's certificate cannot chain to it.
const PINNED_CA = `-----BEGIN CERTIFICATE-----
MIIBwDCCAWWgAwIBAgIUQvIx8U3VweHjttxfgnbmg1TD//IwCgYIKoZIzj0EAwIw
NTEXMBUGA1UECgwOUGlubmVkIEZpeHR1cmUxGjAYBgNVBAMMEVBpbm5lZCBGaXh0
dXJlIENBMB4XDTI2MTEyMTIyMzU1MloXDTM2MTExODIyMzU1MlowNTEXMBUGA1UE
CgwOUGlubmVkIEZpeHR1cmUxGjAYBgNVBAMMEVBpbm5lZCBGaXh0dXJlIENBMFkw
EwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE1rRy/PxozlrRyBDMXMb/RZfBs2MZS0g8
19pCam0pNi/cTTXpbdOU/AEU7FTNUf9kMPhxWQ+aLTS0nUzpytFZUqNTMFEwHQYD
VR0OBBYEFNS+kTVQL0jXws1h7jQCAqxTCy6MMB8GA1UdIwQYMBaAFNS+kTVQL0jX
ws1h7jQCAqxTCy6MMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSQAwRgIh
AOzK1iMtsQxetQMfd+92eFLhkFSpPpucuUM49Dh5sEU5AiEAiDi2TylWyG2uReVi
FZ+Cjxq3HAdD8DtIP8SGWBHgrfQ=
-----END CERTIFICATE-----`;
const PINNED_SHA256 = 'AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99';

function get(opts, label) {
  return new Promise(done => {
    const r = https.request(opts, res => { res.resume(); console.log(label, 'answered', res.statusCode); done(); });
    r.on('error', e => { console.log(label, 'refused:', e.code || e.message); done(); });
    r.end();
  });
}

(async () => {
  await get({host: 'pinned-ca.evil.test', path: '/', ca: PINNED_CA}, 'ca-pin');
  await get({host: 'pinned-key.evil.test', path: '/', checkServerIdentity: (host, cert) =>
    cert.fingerprint256 === PINNED_SHA256 ? undefined : new Error('fingerprint mismatch')}, 'fingerprint-pin');
  http.get('http://after.evil.test/ping', res => { res.resume(); console.log('after', res.statusCode); })
    .on('error', e => console.log('after error', e.message));
})();
