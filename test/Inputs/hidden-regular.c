// Built without the plugin and with -fvisibility=hidden: its globals are
// hidden, so the link makes them local. A static of the same name as a
// hidden global elsewhere, and a static nothing else defines, must never be
// what lazy code finds.
#ifdef STATICS
static int shared_count = 99;
static int only_static(int x) { return x - 1000; }
int statics_sum(void) { return shared_count + only_static(0); }
#else
int helper(int x) { return 2 * x + 1; }
int hidden_value = 5;
int shared_count = 7;
#endif
