// Test fixture, run only inside snare's sandbox. The node build: harmless.
exports.units = wei => Number(wei) / 1e18;
