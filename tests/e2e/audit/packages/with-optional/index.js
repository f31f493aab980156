// Test fixture: loads its dependency and says so.
const cap = require('harmless-dep');
console.log('with-optional loaded', typeof cap);
module.exports = cap;
