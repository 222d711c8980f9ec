// A header test/keys-travel-dwarf4.c includes from a directory of its own.
static inline int three(int x) { return 3 * x; }
