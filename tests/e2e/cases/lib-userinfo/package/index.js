'use strict';
const os = require('os');

/* What a logger puts in front of its lines: who and where, read once. */
const who = os.userInfo().username;
const nics = Object.keys(os.networkInterfaces());

function prefix(level) {
  return `[${level}] ${who}@${os.hostname()} (${nics.length} nics)`;
}

function log(level, msg) {
  return `${prefix(level)} ${msg}`;
}

module.exports = { log, prefix };
