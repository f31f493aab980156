// Reads a dependency's file, then tries to change it three ways.  What
// it writes must land in this run's copy, never in snare's store.
const fs = require('fs');
const p = require.resolve('ds-lib');
console.log('before: ' + fs.readFileSync(p, 'utf8').trim());
console.log('mid: ' + require('ds-mid'));
for (const [what, fn] of [
  ['chmod', () => fs.chmodSync(p, 0o666)],
  ['write', () => fs.writeFileSync(p, "module.exports = 'tampered';\n")],
  ['truncate', () => fs.truncateSync(p, 0)],
]) {
  try { fn(); console.log(what + ': ok'); } catch (e) { console.log(what + ': ' + e.code); }
}
