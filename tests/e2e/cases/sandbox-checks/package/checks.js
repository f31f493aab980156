// Test fixture, run only inside snare's sandbox.  Prints "<check> real" or
// "<check> SANDBOX (<why>)" for each check seen in npm malware.
const os = require('os'), fs = require('fs');
const out = [];
function check(name, ok, why) { out.push(name + (ok ? ' real' : ' SANDBOX (' + why + ')')); }

const host = os.hostname(), user = os.userInfo().username, home = os.homedir();
check('hostname', !/sandbox|malware|analysis|cuckoo|virus|^vm|docker|^[0-9a-f]{12}$|localhost/i.test(host), host);
check('user', !/^(root|sandbox|user|test|admin|malware|virus|john|vagrant|ubuntu|runner)$/i.test(user), user);
check('uid', process.getuid() !== 0, process.getuid());
check('cpus', os.cpus().length >= 2, os.cpus().length);
check('memory', os.totalmem() >= 2 * 2 ** 30, os.totalmem());
check('uptime', os.uptime() > 300, os.uptime());
check('home', fs.readdirSync(home).length >= 8, fs.readdirSync(home).length);
check('history', fs.existsSync(home + '/.bash_history') && fs.statSync(home + '/.bash_history').size > 100, 'empty');
check('ci-env', !['CI', 'GITHUB_ACTIONS', 'GITLAB_CI', 'TRAVIS', 'JENKINS_URL', 'BUILDKITE'].some(k => process.env[k]), 'CI variables');
check('aws-example', !/EXAMPLE/.test(process.env.AWS_ACCESS_KEY_ID || '') && !/EXAMPLE/.test(fs.existsSync(home + '/.aws/credentials') ? fs.readFileSync(home + '/.aws/credentials', 'utf8') : ''), 'EXAMPLE key');
check('hooks', !['NODE_OPTIONS', 'LD_PRELOAD', 'LD_LIBRARY_PATH', 'NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'REQUESTS_CA_BUNDLE', 'HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy'].some(k => process.env[k]), 'hook or CA variable');
check('exec-argv', process.execArgv.length === 0, process.execArgv.join(' '));
check('preload', !fs.existsSync('/etc/ld.so.preload'), '/etc/ld.so.preload');
check('container', !fs.existsSync('/.dockerenv') && !/docker|lxc|kubepods/.test(fs.readFileSync('/proc/1/cgroup', 'utf8')), 'container marks');
check('tracer', !/TracerPid:\s*[1-9]/.test(fs.readFileSync('/proc/self/status', 'utf8')), 'TracerPid');
check('interfaces', Object.keys(os.networkInterfaces()).some(n => n !== 'lo'), Object.keys(os.networkInterfaces()).join(','));
check('npm-user-agent', /^npm\//.test(process.env.npm_config_user_agent || ''), process.env.npm_config_user_agent);
console.log(out.join('\n'));
