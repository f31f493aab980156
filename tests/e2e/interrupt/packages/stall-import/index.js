// Test fixture, run only inside snare's sandbox: a require that never ends.
setInterval(() => {}, 1000);
for (;;) {}
