const dep = require('harmless-dep');
exports.title = (s) => s.split(' ').map(dep.capitalize).join(' ');
