// Another valid lazy module, built on its own, to put in place of
// lazy-program.c's.
int compute(int x) { return x * 9; }
