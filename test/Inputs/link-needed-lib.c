// A library that only lazy code of link-undefined.c calls.
int needed_fn(void) { return 42; }
