module.exports = 'ds-lib original';
