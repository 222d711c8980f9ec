// gdb breaks in a lazily compiled function of a -g build, sees its arguments
// and locals, and backtraces through lazily compiled callers, thanks to the
// GDB JIT interface. The first stop is the function's static frame, the
// second its compiled body (linked in main's batch; locations by address).
// REQUIRES: gdb
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clang -O0 -g %autojit %s -o %t.exe %rt
// RUN: gdb -batch -nx -ex "break leaf" -ex run -ex continue -ex bt -ex "print x" -ex next -ex "print y" %t.exe 2>&1 | FileCheck %s

#include <stdio.h>

int leaf(int x) {
  int y = x * 3;
  return y + 1;
}
int middle(int x) { return leaf(x) + 2; }
int main(void) {
  printf("%d\n", middle(4));
  return 0;
}

// CHECK: Breakpoint 1{{(\.[12])?}}, 0x{{[0-9a-f]+}} in leaf ()
// CHECK: Breakpoint 1.{{[12]}}, leaf (x=4) at {{.*}}gdb.c:14
// CHECK: #0  leaf (x=4) at {{.*}}gdb.c:14
// CHECK-NEXT: #1  {{.*}} in middle (x=4) at {{.*}}gdb.c:17
// CHECK-NEXT: #2  {{.*}} in main () at {{.*}}gdb.c:19
// CHECK: $1 = 4
// CHECK: $2 = 12
