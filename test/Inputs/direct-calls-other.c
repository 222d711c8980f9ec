// The other file of direct-calls.c: lazy functions of another module.
#include <string.h>

int through_trampoline(void);

// Whether the call that reached here went to the function's address (its
// trampoline), read from the caller's call instruction (call rel32).
__attribute__((noinline)) int other_through_trampoline(void) {
  unsigned char *back = __builtin_return_address(0);
  int displacement;
  memcpy(&displacement, back - 4, 4);
  return back + displacement == (unsigned char *)other_through_trampoline;
}

// Linked after direct-calls.c's module: calls back into it.
int other_calls_back(void) { return through_trampoline(); }
