// The library half of mixed.c: compiled both with and without the plugin.
extern int lib_shared_value;
int main_helper(int x);
int lib_apply(int (*f)(int), int x) { lib_shared_value++; return f(x); }
int lib_call_back(int x) { return main_helper(x); }
