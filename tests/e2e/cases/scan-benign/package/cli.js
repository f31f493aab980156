#!/usr/bin/env node
if (process.argv.includes('--help')) {
  console.log('usage: slugify-it TEXT');
  process.exit(0);
}
console.log(require('./index.js')(process.argv.slice(2).join(' ')));
