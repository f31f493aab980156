'use strict';
const fs = require('fs');
const path = require('path');
const http = require('http');

const NODE_GLOBALS = new Set(['global', 'clearImmediate', 'setImmediate', 'clearInterval',
  'clearTimeout', 'setInterval', 'setTimeout', 'queueMicrotask', 'structuredClone', 'atob',
  'btoa', 'performance', 'fetch', 'crypto', 'navigator']);
const WORDS = /snare|harness|sandbox|fuzz|instrument|analy[sz]|\[eval\]|probe/i;

function look(where) {
  const found = [];
  if (process.execArgv.length) found.push('execArgv');
  const main = require.main;
  if (!main || !main.filename) {
    found.push('no-main');
  } else {
    if (!/\/projects\/app\/[\w.-]+\.js$/.test(main.filename)) found.push('main-path');
    let src = '';
    try { src = fs.readFileSync(main.filename, 'utf8'); } catch (e) { found.push('main-unreadable'); }
    if (WORDS.test(src)) found.push('main-source');
  }
  const stack = new Error().stack || '';
  if (WORDS.test(stack) || /node:internal\/main\/eval/.test(stack)) found.push('stack');
  for (const k of Object.keys(globalThis)) if (!NODE_GLOBALS.has(k)) found.push('global:' + k);
  let cmd = [];
  try { cmd = fs.readFileSync('/proc/self/cmdline', 'utf8').split('\0').filter(Boolean); } catch (e) {}
  if (cmd.length !== 2 || !/\.js$/.test(cmd[1]) || cmd.some((a) => a.startsWith('-') || WORDS.test(a)))
    found.push('cmdline');
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    let to = '';
    try { to = fs.readlinkSync('/proc/self/fd/' + fd); } catch (e) { continue; }
    if (WORDS.test(to)) found.push('fd:' + to);
    if (to.startsWith('/') && !to.startsWith('/dev/') && !to.startsWith('/proc/')) found.push('fd-file:' + fd);
  }
  for (const k of Object.keys(process.env)) if (WORDS.test(k) || WORDS.test(process.env[k])) found.push('env:' + k);
  const r = http.request({ host: 'check.finder.test', port: 80, path: '/' + where, method: 'POST' }, (res) => res.resume());
  r.on('error', () => {});
  r.end('result:' + (found.length ? 'found ' + found.join(' ') : 'clean'));
  return found;
}

look('load');

module.exports = {
  inspect() {
    return look('call');
  },
};
