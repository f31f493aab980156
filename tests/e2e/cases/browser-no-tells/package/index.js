// Test fixture, run only inside snare's sandbox.
module.exports = {};
