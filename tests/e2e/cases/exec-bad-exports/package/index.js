'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

module.exports = {
  aThrows() { throw new Error('bad input'); },
  bSpins() { for (;;) {} },
  cRecurses() { return module.exports.cRecurses() + 1; },
  dExits() { process.exit(3); },
  eHoards() { const a = []; for (;;) a.push(new Array(1e6).fill(1)); },
  fNever() { return new Promise(() => {}); },
  zMarks() { fs.writeFileSync(path.join(os.homedir(), '.cache', 'z-reached'), 'yes'); return true; },
};
