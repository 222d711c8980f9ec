// The regular half of hidden-library.c's libraries, built without the
// plugin and with -fvisibility=hidden: NAME(helper) and NAME(value) are
// local symbols of the library once it is linked.
#define CONCAT2(a, b) a##_##b
#define CONCAT(a, b) CONCAT2(a, b)
#define NAME(f) CONCAT(LIBRARY, f)
int NAME(helper)(int x) { return 3 * x; }
int NAME(value) = 11;
