// gdb walks from the runtime through the resolver to the lazified function's
// caller (the trampoline jumped, so it is not on the stack), and `break f`
// still stops in the trampoline and then in the compiled body.
// REQUIRES: gdb
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clang -O0 -g %autojit -c %s -o %t.lazy.o
// RUN: %clang -O0 -g -DCALLER -c %s -o %t.main.o
// RUN: %clang %t.main.o %t.lazy.o -o %t.exe %rt
// RUN: gdb -batch -nx -ex "set breakpoint pending on" -ex "break __llvm_autojit_materialize" -ex run -ex bt -ex "delete" -ex "break twice" -ex "continue" %t.exe 2>&1 | FileCheck %s

#include <stdio.h>

int twice(int x);
int first(int x);

#ifdef CALLER
int main(void) {
  printf("%d\n", first(20));
  printf("%d\n", twice(4));
  return 0;
}
#else
int first(int x) { return x + 1; }
int twice(int x) { return 2 * x; }
#endif

// CHECK: Breakpoint 1, {{.*}}__llvm_autojit_materialize
// CHECK-NEXT: #0  {{.*}}__llvm_autojit_materialize
// CHECK-NEXT: #1  {{.*}} in __llvm_autojit_resolve ()
// CHECK-NEXT: #2  {{.*}} in main () at {{.*}}gdb-resolver.c:19
// CHECK: Breakpoint 2{{(\.[12])?}}, {{.*}} in twice ()
