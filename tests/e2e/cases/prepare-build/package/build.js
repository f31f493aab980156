// Turns the ES exports of src/index.js into CommonJS in dist/index.js.
const fs = require('fs');
const path = require('path');
const src = fs.readFileSync(path.join(__dirname, 'src', 'index.js'), 'utf8');
const names = [];
const out = src.replace(/export function (\w+)/g, (m, n) => { names.push(n); return `function ${n}`; });
fs.writeFileSync(path.join(__dirname, 'dist', 'index.js'), `${out}\nmodule.exports = { ${names.join(', ')} };\n`);
