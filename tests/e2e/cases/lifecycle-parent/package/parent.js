// Test fixture, run only inside snare's sandbox (tests/e2e/cases/lifecycle-parent).
// A postinstall script's view of its parents: this node's parent is the
// shell npm started ("sh -c node parent.js"), whose parent is npm itself.
'use strict';
const fs = require('fs');
const read = (f, enc) => { try { return fs.readFileSync(f, enc || 'utf8'); } catch (e) { return e.code; } };
const ppidOf = p => { const s = read('/proc/' + p + '/stat'); return Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[1]); };
const sh = process.ppid, npm = ppidOf(sh);
const raw = read('/proc/' + npm + '/cmdline', 'latin1');
const environ = read('/proc/' + npm + '/environ', 'latin1');
const out = {
	sh_argv: read('/proc/' + sh + '/cmdline', 'latin1').split('\0').filter(Boolean),
	npm_cmdline: raw.replace(/\0+$/, ''),
	npm_cmdline_bytes: raw.length,
	npm_comm: read('/proc/' + npm + '/comm').trim(),
	npm_exe: (() => { try { return fs.readlinkSync('/proc/' + npm + '/exe'); } catch (e) { return e.code; } })(),
	npm_cwd: (() => { try { return fs.readlinkSync('/proc/' + npm + '/cwd'); } catch (e) { return e.code; } })(),
	npm_env_lifecycle: /(^|\0)npm_lifecycle_event=/.test(environ),
	npm_env_path_bin: /(^|\0)PATH=[^\0]*node_modules\/\.bin/.test(environ),
	npm_parent_comm: read('/proc/' + ppidOf(npm) + '/comm').trim(),
	npm_started_before_sh: Number(read('/proc/' + npm + '/stat').split(') ')[1].split(' ')[19]) <=
		Number(read('/proc/' + sh + '/stat').split(') ')[1].split(' ')[19]),
	init_cwd: process.env.INIT_CWD,
	npm_command: process.env.npm_command,
	npm_lifecycle_event: process.env.npm_lifecycle_event,
	// not checked: npm has about 11 threads, starts seconds before its
	// scripts (clock ticks of 10 ms) and has a pid below theirs
	npm_start_lead_ticks: Number(read('/proc/' + sh + '/stat').split(') ')[1].split(' ')[19]) -
		Number(read('/proc/' + npm + '/stat').split(') ')[1].split(' ')[19]),
	npm_pid_gap: sh - npm,
	npm_threads: (() => { try { return fs.readdirSync('/proc/' + npm + '/task').length; } catch (e) { return e.code; } })(),
	launcher_files: fs.readdirSync(process.env.INIT_CWD).filter(f => /\.cjs$/.test(f)),
};
console.log(JSON.stringify(out));
