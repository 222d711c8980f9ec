// A call from lazy code to a lazy function whose body is already linked
// goes straight to the body, as the regular build's call does, not through
// the function's trampoline; the function's address stays the trampoline's
// everywhere.
// In-process only: remote mode's calls go through the trampolines.
// REQUIRES: inprocess
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clang -O0 %autojit %s %S/Inputs/direct-calls-other.c -o %t.exe %rt
// RUN: %t.exe | FileCheck %s
// RUN: %t.exe | FileCheck %s

#include <stdio.h>
#include <string.h>

int other_through_trampoline(void);
int other_calls_back(void);

// Whether the call that reached here went to the function's address (its
// trampoline), read from the caller's call instruction (call rel32).
__attribute__((noinline)) int through_trampoline(void) {
  unsigned char *back = __builtin_return_address(0);
  int displacement;
  memcpy(&displacement, back - 4, 4);
  return back + displacement == (unsigned char *)through_trampoline;
}

int (*lazy_address(void))(void) { return through_trampoline; }

int main(void) {
  // main's module is linked first, in one object.
  printf("same object: %s\n", through_trampoline() ? "trampoline" : "body");
  // Not linked yet when main's object was: through the trampoline.
  printf("not linked yet: %s\n", other_through_trampoline() ? "trampoline" : "body");
  // The other module, linked after this one, calls back.
  printf("linked before: %s\n", other_calls_back() ? "trampoline" : "body");
  printf("address: %s\n", lazy_address() == through_trampoline ? "same" : "different");
  return 0;
}

// CHECK: same object: body
// CHECK-NEXT: not linked yet: trampoline
// CHECK-NEXT: linked before: body
// CHECK-NEXT: address: same
