'use strict';
exports.camel = (s) => String(s).replace(/[-_ ](\w)/g, (m, c) => c.toUpperCase());
exports.kebab = (s) => String(s).replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
exports.pad = (s, n, ch) => String(s).padStart(n || 0, ch || ' ');
exports.truncate = function truncate(text, length) { return String(text).slice(0, length || 10); };
