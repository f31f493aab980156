// Leaves a marker in the project that installs it, to show its script ran.
const fs = require('fs');
const path = require('path');
fs.writeFileSync(path.join(process.env.INIT_CWD || '.', 'guard-clean.marker'), 'ran\n');
