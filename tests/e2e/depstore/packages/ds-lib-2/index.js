module.exports = 'ds-lib two';
