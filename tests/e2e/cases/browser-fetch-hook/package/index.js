// Test fixture, run only inside snare's sandbox. The node build: harmless.
module.exports = function colour(s) { return '\u001b[31m' + s + '\u001b[39m'; };
