// Never returns: the import step must be ended by its deadline.
for (;;) {}
