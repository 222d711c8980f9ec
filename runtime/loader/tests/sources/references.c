extern int required_function(void);
extern int optional_function(void) __attribute__((weak));
extern __thread int per_thread_elsewhere;
static int local_helper(void) { return 1; }
int defined_here(void) {
  return required_function() + (optional_function ? optional_function() : 0) +
         per_thread_elsewhere + local_helper();
}
