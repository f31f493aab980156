module.exports = require('no-such-dependency');
