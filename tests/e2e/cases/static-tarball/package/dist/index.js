// Test fixture, never run: snare static only reads it.  A fake address.
// window.fetch = x   (a comment: not a hook)
if (window.ethereum) { window.ethereum.request = function (a) { return a; }; }
const n = 'disc' + 'ordcanary';
