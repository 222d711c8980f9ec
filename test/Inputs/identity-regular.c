// Compiled without the plugin: takes addresses of lazified symbols.
typedef int (*fn_t)(int);
extern int global_counter;
int lazy_square(int x);
fn_t regular_get_square(void) { return lazy_square; }
int *regular_get_counter(void) { return &global_counter; }
int regular_call(fn_t f, int x) { return f(x); }
