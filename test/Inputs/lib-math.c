// Part of a library: one lazified translation unit.
static int square(int x) { return x * x; }
int lib_cube(int x) { return square(x) * x; }
