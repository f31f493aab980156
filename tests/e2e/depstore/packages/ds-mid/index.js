module.exports = require('ds-lib');
