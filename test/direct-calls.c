// A call from lazy code to a lazy function whose body is already linked
// goes straight to the body, as the regular build's call does, not through
// the function's stub; the function's address stays the stub's everywhere.
// In-process only: remote mode's calls go through the stubs.
// REQUIRES: inprocess
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clang -O0 %autojit %s %S/Inputs/direct-calls-other.c -o %t.exe %rt
// RUN: %t.exe | FileCheck %s
// RUN: %t.exe | FileCheck %s

#include <stdio.h>
#include <string.h>

int other_through_stub(void);
int other_calls_back(void);

// Whether the call that reached here went to the function's address (its
// stub), read from the caller's call instruction (call rel32).
__attribute__((noinline)) int through_stub(void) {
  unsigned char *back = __builtin_return_address(0);
  int displacement;
  memcpy(&displacement, back - 4, 4);
  return back + displacement == (unsigned char *)through_stub;
}

int (*lazy_address(void))(void) { return through_stub; }

int main(void) {
  // main's module is linked first, in one object.
  printf("same object: %s\n", through_stub() ? "stub" : "body");
  // Not linked yet when main's object was: through the stub.
  printf("not linked yet: %s\n", other_through_stub() ? "stub" : "body");
  // The other module, linked after this one, calls back.
  printf("linked before: %s\n", other_calls_back() ? "stub" : "body");
  printf("address: %s\n", lazy_address() == through_stub ? "same" : "different");
  return 0;
}

// CHECK: same object: body
// CHECK-NEXT: not linked yet: stub
// CHECK-NEXT: linked before: body
// CHECK-NEXT: address: same
