// The library symbol-missing.c links against; built once with
// library_function and once, as a later version, without it.
#ifndef LATER_VERSION
int library_function(int x) { return x + 1; }
#endif
int library_version(void) { return 2; }
