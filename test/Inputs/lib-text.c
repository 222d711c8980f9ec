// Part of a library: one lazified translation unit.
const char *lib_greeting(void) { return "hello from an archive"; }
