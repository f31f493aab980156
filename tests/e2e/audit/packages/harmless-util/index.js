const dep = require('harmless-dep');
const scoped = require('@audit-fixture/scoped-dep');
exports.title = (s) => scoped.trim(s).split(' ').map(dep.capitalize).join(' ');
