// Test fixture, run only inside snare's sandbox (tests/e2e/cases/fingerprint).
// Runs the checks malware makes before it acts, from write-ups, anti-analysis
// papers and a reading of the sandbox, and prints what each sees as one JSON
// object on the last line of stdout.  expect.json holds the answers an
// ordinary Debian developer machine gives.
'use strict';
const fs = require('fs'), os = require('os'), path = require('path');
const dns = require('dns'), net = require('net'), tls = require('tls'), http = require('http');
const cp = require('child_process');

const out = {};
const read = f => { try { return fs.readFileSync(f, 'utf8'); } catch (e) { return null; } };
const err = f => { try { fs.readFileSync(f); return 'ok'; } catch (e) { return e.code; } };
const statusField = (s, k) => { const m = s && s.match(new RegExp('^' + k + ':\\s*(\\S+)', 'm')); return m ? m[1] : null; };
const SANDBOXY = /sandbox|malware|analys|cuckoo|cape|virus|snare|detonat|^vm|vbox|virtualbox|qemu|kvm|vmware|xen|docker|container|^[0-9a-f]{12}$|localhost|^test|^user$|^admin$|^john$|^vagrant$|^ubuntu$/i;
// Every substring that would leak the analyst's machine or the tool.
const LEAK = /snare|\/work\/|\/tmp\/[^ ]*snare|wt-|build\/|\.cache\/snare|TMPDIR/;

// ---- process and kernel state ----------------------------------------------
const st = read('/proc/self/status');
out.tracer_pid = Number(statusField(st, 'TracerPid'));
out.seccomp = Number(statusField(st, 'Seccomp'));
out.seccomp_filters = Number(statusField(st, 'Seccomp_filters'));
out.no_new_privs = Number(statusField(st, 'NoNewPrivs'));
out.cap_eff_zero = /^CapEff:\s*0+$/m.test(st || '');
out.proc1_comm = (read('/proc/1/comm') || '').trim();
const c1 = read('/proc/1/cmdline');
out.proc1_cmdline = c1 === null ? null : c1.replace(/\0+$/, '').split('\0').join(' ');
out.proc1_cmdline_trailing_nuls = c1 === null ? 0 : (c1.match(/\0*$/)[0].length);
try { out.proc1_exe = fs.readlinkSync('/proc/1/exe'); } catch (e) { out.proc1_exe = e.code; }
out.proc1_environ = err('/proc/1/environ');
const pids = fs.readdirSync('/proc').filter(d => /^\d+$/.test(d));
out.proc_count = pids.length;
out.proc_names = pids.map(p => (read('/proc/' + p + '/comm') || '').trim());
out.proc_cmdline_leaks = pids.map(p => (read('/proc/' + p + '/cmdline') || '').split('\0').join(' ')).filter(c => LEAK.test(c));
// the harness: the parent chain of this process
const chain = [];
for (let p = process.ppid, i = 0; p > 0 && i < 8; i++) {
	const s = read('/proc/' + p + '/stat');
	chain.push((read('/proc/' + p + '/cmdline') || '').split('\0').filter(Boolean).slice(0, 3).join(' '));
	if (!s) break;
	p = Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[1]);
}
out.parent_chain = chain;
out.parent_is_npm = chain.some(c => /npm|npm-cli/.test(c));
out.pid = process.pid;
out.exec_argv = process.execArgv;
out.exec_argv_count = process.execArgv.length;
out.has_require_main = !!require.main;
out.main_is_self = require.main === module;
out.module_parent = module.parent && module.parent.filename ? path.basename(module.parent.filename) : null;
out.stack_has_eval = /\[eval\]|\[stdin\]/.test(new Error().stack);

// mounts
const mi = read('/proc/self/mountinfo') || '';
const rootLine = mi.split('\n').find(l => l.split(' ')[4] === '/') || '';
const rootFs = rootLine.split(' - ')[1] || '';
out.root_fstype = rootFs.split(' ')[0] || null;
out.root_source = rootFs.split(' ')[1] || null;
out.mountinfo_leaks = mi.split('\n').filter(l => LEAK.test(l));
out.mountinfo_leak_count = out.mountinfo_leaks.length;
out.mount_roots = [...new Set(mi.split('\n').filter(Boolean).map(l => l.split(' ')[3]).filter(r => r !== '/'))];
out.mounts_leaks = (read('/proc/mounts') || '').split('\n').filter(l => LEAK.test(l));
out.mounts_leak_count = out.mounts_leaks.length;
out.mount_count = mi.split('\n').filter(Boolean).length;
out.run_hidden = fs.existsSync('/run') ? fs.readdirSync('/run').filter(n => n.startsWith('.')) : [];
out.run_hidden_count = out.run_hidden.length;
out.cgroup = (read('/proc/self/cgroup') || '').trim();
out.cgroup_leak = LEAK.test(out.cgroup) || /docker|lxc|kubepods|containerd/.test(out.cgroup);
out.dockerenv = fs.existsSync('/.dockerenv') || fs.existsSync('/run/.containerenv');
out.ld_so_preload = fs.existsSync('/etc/ld.so.preload');
out.uptime_s = os.uptime();
out.sys_dmi_product = (read('/sys/class/dmi/id/product_name') || '').trim() || null;
out.sys_dmi_vendor = (read('/sys/class/dmi/id/sys_vendor') || '').trim() || null;
out.sys_dmi_virtual = SANDBOXY.test(out.sys_dmi_product || '') || /qemu|kvm|vmware|virtualbox|xen|bochs|standard pc|virtual machine|google compute|amazon ec2|hvm domu/i.test((out.sys_dmi_product || '') + ' ' + (out.sys_dmi_vendor || ''));
out.sys_hypervisor = (read('/sys/hypervisor/type') || '').trim() || null;
out.cpuinfo_hypervisor = /^flags.*\bhypervisor\b/m.test(read('/proc/cpuinfo') || '');
let sysnet = [];
try { sysnet = fs.readdirSync('/sys/class/net'); } catch (e) {}
out.sys_net = sysnet.sort();
out.if_names = Object.keys(os.networkInterfaces()).sort();
out.sys_net_matches = JSON.stringify(out.sys_net) === JSON.stringify(out.if_names);
out.cpus = os.cpus().length;
out.totalmem_gib = Math.round(os.totalmem() / 2 ** 30);
const cm = typeof process.constrainedMemory === "function" ? process.constrainedMemory() : 0;
out.constrained_mem_gib = cm && cm < 2 ** 50 ? Math.round(cm / 2 ** 30) : null; // unset: no limit

// ---- identity and environment ----------------------------------------------
out.hostname = os.hostname();
out.user = os.userInfo().username;
out.hostname_sandboxy = SANDBOXY.test(out.hostname);
out.user_sandboxy = SANDBOXY.test(out.user) || /^(root|sandbox|runner|malware|test)$/i.test(out.user);
out.uid = process.getuid();
const ANALYSIS_ENV = ['NODE_OPTIONS', 'NODE_EXTRA_CA_CERTS', 'NODE_TLS_REJECT_UNAUTHORIZED', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE', 'LD_PRELOAD', 'LD_LIBRARY_PATH', 'LD_AUDIT', 'HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'ALL_PROXY', 'NODE_DEBUG', 'NODE_V8_COVERAGE', 'STRACE', 'SANDBOX', 'CUCKOO', 'SNARE', 'MALWARE', 'ANALYSIS'];
out.analysis_env = Object.keys(process.env).filter(k => ANALYSIS_ENV.includes(k) || /snare|sandbox|cuckoo|analysis|malware/i.test(k + '=' + process.env[k]));
out.analysis_env_count = out.analysis_env.length;
out.ci_env = ['CI', 'GITHUB_ACTIONS', 'GITLAB_CI', 'TRAVIS', 'JENKINS_URL', 'BUILDKITE', 'CIRCLECI'].filter(k => process.env[k]);
const home = os.homedir();
const aws = read(home + '/.aws/credentials') || '';
out.aws_example = /AKIAIOSFODNN7EXAMPLE|wJalrXUtnFEMI|EXAMPLE/.test(aws + (process.env.AWS_ACCESS_KEY_ID || '') + (process.env.AWS_SECRET_ACCESS_KEY || ''));
out.fake_secret_words = [home + '/.npmrc', home + '/.git-credentials', home + '/.env'].filter(f => /fake|dummy|test|example|canary|honey/i.test(read(f) || ''));
out.fake_secret_count = out.fake_secret_words.length;
out.mock_ca_paths = ['/usr/local/share/ca-certificates/mitmproxy.crt', home + '/.mitmproxy', '/etc/ssl/certs/mitmproxy-ca-cert.pem', home + '/.burp', '/usr/local/share/ca-certificates/extra'].filter(f => fs.existsSync(f));

out.mock_ca_count = out.mock_ca_paths.length;

// ---- the home ------------------------------------------------------------
const files = [], dirs = [];
(function walk(d, depth) {
	let ents = [];
	try { ents = fs.readdirSync(d, { withFileTypes: true }); } catch (e) { return; }
	for (const e of ents) {
		const p = d + '/' + e.name;
		if (p === home + '/projects/app') continue; // the package's own tree
		if (e.isDirectory()) { dirs.push(p); if (depth < 8) walk(p, depth + 1); }
		else if (e.isFile()) files.push(p);
	}
})(home, 0);
const now = Date.now() / 1000;
const sts = files.map(f => fs.statSync(f));
const dsts = dirs.map(f => fs.statSync(f));
const ages = a => a.map(x => now - x);
const mt = ages(sts.map(s => s.mtimeMs / 1000)), at = ages(sts.map(s => s.atimeMs / 1000)), ct = ages(sts.map(s => s.ctimeMs / 1000));
const days = x => Math.round(x / 86400 * 10) / 10;
out.home_files = files.length;
out.home_bytes = sts.reduce((a, s) => a + s.size, 0);
out.home_mtime_distinct_s = new Set(sts.map(s => Math.floor(s.mtimeMs / 1000))).size;
out.home_mtime_newest_days = days(Math.min(...mt));
out.home_mtime_oldest_days = days(Math.max(...mt));
out.home_files_touched_last_hour = mt.filter(x => x < 3600).length;
out.home_atime_before_mtime = sts.filter(s => s.atimeMs < s.mtimeMs - 1000).length;
out.home_ctime_distinct_s = new Set(sts.map(s => Math.floor(s.ctimeMs / 1000))).size;
out.home_ctime_oldest_days = days(Math.max(...ct));
out.home_btime_oldest_days = days(Math.max(...ages(sts.map(s => s.birthtimeMs / 1000)).filter(x => x < now - 1)), 0);
out.home_dir_mtime_last_hour = ages(dsts.map(s => s.mtimeMs / 1000)).filter(x => x < 3600).length;
out.home_dir_count = dirs.length;
out.home_empty_files = sts.filter(s => s.size === 0).length;
const head = f => { try { const fd = fs.openSync(f, 'r'), b = Buffer.alloc(16); fs.readSync(fd, b, 0, 16, 0); fs.closeSync(fd); return b.toString('latin1'); } catch (e) { return ''; } };
out.home_tiny_databases = files.filter((f, i) => head(f).startsWith('SQLite format 3') && sts[i].size < 4096).length;
out.home_tiny_pictures = files.filter((f, i) => /\.(jpe?g|png|pdf)$/i.test(f) && sts[i].size < 4096).length;
const hist = read(home + '/.bash_history') || '';
out.history_lines = hist.split('\n').filter(Boolean).length;
// every directory the shell history goes to exists, followed from the home
let cwd = home;
out.history_dirs_exist = [...hist.matchAll(/^cd (\S+)/mg)].every(m => {
	cwd = path.resolve(cwd, m[1].replace(/^~/, home));
	return fs.existsSync(cwd);
});
const gitcfg = read(home + '/.gitconfig') || '';
const email = (gitcfg.match(/email\s*=\s*(\S+)/) || [])[1];
out.gitconfig_email = !!email;
let gitlog = null;
try { gitlog = cp.execFileSync('git', ['-C', home + '/projects/website', 'log', '-1', '--format=%ae'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim(); } catch (e) { gitlog = null; }
if (gitlog === null) {
	const repos = [home + '/projects/app/.git', ...dirs.filter(d => d.endsWith('/.git'))];
	for (const r of repos) {
		try { gitlog = cp.execFileSync('git', ['-C', path.dirname(r), 'log', '-1', '--format=%ae'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim(); break; } catch (e) {}
	}
}
out.git_head_resolves = gitlog !== null;
out.git_author_matches_config = gitlog !== null && gitlog === email;
try { out.git_status_clean = cp.execFileSync('git', ['-C', home + '/projects/app', 'status', '--porcelain', '--untracked-files=no'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString() === ''; } catch (e) { out.git_status_clean = false; }

// ---- trust -----------------------------------------------------------------
const bundle = read('/etc/ssl/certs/ca-certificates.crt') || '';
out.bundle_certs = (bundle.match(/-----BEGIN CERTIFICATE-----/g) || []).length;
let hashed = 0;
try { hashed = new Set(fs.readdirSync('/etc/ssl/certs').filter(n => /^[0-9a-f]{8}\.\d+$/.test(n)).map(n => fs.realpathSync('/etc/ssl/certs/' + n))).size; } catch (e) {}
out.certs_dir_hashed = hashed;
try { out.certs_dir_suspicious = fs.readdirSync('/etc/ssl/certs').filter(n => /mitm|sandbox|burp|charles|fiddler|intercept|egress|snare/i.test(n)).length; } catch (e) { out.certs_dir_suspicious = 0; }
out.bundle_matches_dir = hashed === 0 || hashed === out.bundle_certs;
let nodeBin = null;
try { nodeBin = fs.readFileSync(process.execPath, 'latin1'); } catch (e) {}
const roots = tls.rootCertificates;
const norm = s => s.replace(/\s+/g, '');
out.node_roots = roots.length;
out.node_roots_not_in_binary = nodeBin === null ? null : roots.filter(r => !nodeBin.includes(r.split('\n')[1])).length;
const bundleBodies = new Set((bundle.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) || []).map(norm));
out.bundle_not_in_node = [...bundleBodies].filter(b => !roots.some(r => norm(r) === b)).length;

// ---- network answers (asynchronous) --------------------------------------
const rnd = n => Array.from({ length: n }, () => 'abcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(Math.random() * 36)]).join('');
const lookup = name => new Promise(r => dns.resolve4(name, (e, a) => r(e ? e.code : a)));
const connect = (host, port, ms) => new Promise(r => {
	const s = net.connect({ host, port });
	const t = setTimeout(() => { s.destroy(); r('silent'); }, ms);
	s.on('connect', () => { clearTimeout(t); s.destroy(); r('connected'); });
	s.on('error', e => { clearTimeout(t); r(e.code); });
});
const get = (host, p, headers) => new Promise(r => {
	const req = http.get({ host, path: p, headers, timeout: 3000 }, res => {
		const chunks = [];
		res.on('data', c => chunks.push(c));
		res.on('end', () => r({ status: res.statusCode, type: res.headers['content-type'] || '', body: Buffer.concat(chunks) }));
	});
	req.on('error', e => r({ error: e.code }));
	req.on('timeout', () => { req.destroy(); });
});
const peerCert = host => new Promise(r => {
	const s = tls.connect({ host, port: 443, servername: host, rejectUnauthorized: false }, () => {
		const c = s.getPeerCertificate(true);
		s.destroy();
		r(c);
	});
	s.on('error', e => r({ error: e.code }));
	setTimeout(() => { s.destroy(); r({ error: 'timeout' }); }, 4000);
});

(async () => {
	// 16 characters: the sink tells shorter random labels from chosen
	// names less surely (tests/unit/test_dns.c), and this suite must not flake
	out.dns_random_com = await lookup(rnd(16) + '.com');
	out.dns_random_net = await lookup('x' + rnd(16) + 'q.net');
	out.dns_random_under_google = await lookup(rnd(16) + '.google.com');
	out.dns_random_two_labels = await lookup(rnd(8) + '.' + rnd(16) + '.org');
	const g = await lookup('www.google.com');
	out.dns_google = Array.isArray(g) ? 'answer' : g;
	out.dns_google_benchmark_range = Array.isArray(g) && g.some(a => /^198\.1[89]\./.test(a));
	out.dns_google_private_range = Array.isArray(g) && g.some(a => /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|127\.)/.test(a));
	const t = await new Promise(r => dns.resolveTxt(rnd(16) + '.com', (e, a) => r(e ? e.code : a)));
	out.dns_txt_random = Array.isArray(t) ? 'answer' : t;
	const tg = await new Promise(r => dns.resolveTxt('google.com', (e, a) => r(e ? e.code : a.map(x => x.join('')))));
	out.dns_txt_google_runs_id = Array.isArray(tg) && tg.some(x => /^aWQ=$|^id$/.test(x));
	// a sink that answers every port of a well-known host
	out.tcp_google_81 = await connect('www.google.com', 81, 1500);
	out.tcp_google_443 = await connect('www.google.com', 443, 1500);
	// a random public address on a random port: a real network is silent
	out.tcp_random_address = await connect('45.' + (1 + Math.floor(Math.random() * 250)) + '.' + Math.floor(Math.random() * 250) + '.' + (1 + Math.floor(Math.random() * 250)), 20000 + Math.floor(Math.random() * 40000), 1500);
	// HTTP replies: neutral and shaped like what was asked for
	const sh = await get('downloads.example-cdn.com', '/install.sh', { 'User-Agent': 'curl/7.88.1', Accept: '*/*' });
	out.http_sh_runs_commands = !!sh.body && /\b(id|uname|whoami|curl|wget)\b/.test(sh.body.toString().split('\n').filter(l => !l.startsWith('#')).join('\n'));
	const stage = await get('downloads.example-cdn.com', '/stage', { 'User-Agent': 'curl/7.88.1', Accept: '*/*' });
	out.http_noext_runs_commands = !!stage.body && /\b(id|uname|whoami)\b/.test(stage.body.toString());
	const cmd = await get('api.example-app.com', '/cmd', { Accept: '*/*' });
	out.http_c2_path_gives_command = !!cmd.body && /^(id|whoami|uname.*)\s*$/.test(cmd.body.toString());
	const j = await get('api.example-app.com', '/v1/config.json', { Accept: 'application/json' });
	try { JSON.parse(j.body.toString()); out.http_json_parses = true; } catch (e) { out.http_json_parses = false; }
	const h = await get('www.example-shop.com', '/', { Accept: 'text/html,application/xhtml+xml', 'User-Agent': 'Mozilla/5.0' });
	out.http_html_is_html = !!h.body && /html/i.test(h.type) && /<html/i.test(h.body.toString());
	const tgz = await get('downloads.example-cdn.com', '/pkg/tool-1.2.3.tar.gz', { Accept: '*/*' });
	out.http_tgz_is_gzip = !!tgz.body && tgz.body[0] === 0x1f && tgz.body[1] === 0x8b;
	const zip = await get('downloads.example-cdn.com', '/pkg/tool-1.2.3.zip', { Accept: '*/*' });
	out.http_zip_is_zip = !!zip.body && zip.body[0] === 0x50 && zip.body[1] === 0x4b;
	// the certificate the sink mints
	const c = await peerCert('www.example-bank.com');
	if (!c.error) {
		const days = (new Date(c.valid_to) - new Date(c.valid_from)) / 86400000;
		out.cert_validity_days = Math.round(days);
		out.cert_serial_hex_len = (c.serialNumber || '').length;
		out.cert_key = c.asn1Curve || (c.bits ? 'rsa' + c.bits : null);
		out.cert_san = !!c.subjectaltname;
		out.cert_aia = !!c.infoAccess;
		out.cert_eku_server = Array.isArray(c.ext_key_usage) && c.ext_key_usage.includes('1.3.6.1.5.5.7.3.1');
		out.cert_issuer_in_node_roots = !!c.issuerCertificate && c.issuerCertificate !== c;
	} else {
		out.cert_error = c.error;
	}
	out.proc_cmdline_leak_count = out.proc_cmdline_leaks.length;
	out.ci_env_count = out.ci_env.length;
	console.log(JSON.stringify(out));
})();
