// Hangs whoever requires it.
while (true) {}
