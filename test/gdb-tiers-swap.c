// gdb across a swap: a function turns hot while the program runs and its
// optimized body replaces its first-tier body (AUTOJIT_DEBUG logs where it
// was linked); a breakpoint set after that stops in the optimized body, with
// its argument, and the backtrace goes through the first-tier code that
// called it. (Each breakpoint stops first in the trampoline, then in the
// body.)
// REQUIRES: gdb, inprocess
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clang -O2 -g %autojit %s -o %t.exe %rt
// RUN: env AUTOJIT_DEBUG=1 gdb -batch -nx -ex "break after_swap" -ex run -ex continue -ex "break step" -ex continue -ex continue -ex bt -ex "print x" -ex "info line *$pc" -ex "kill" %t.exe 2>&1 | FileCheck %s

#include <stdio.h>
#include <time.h>

__attribute__((noinline)) long step(long x) { return (x * 7 + 3) % 1000003; }

static double seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

__attribute__((noinline)) void after_swap(long x) {
  printf("%ld\n", step(x % 10 + 5));
}

int main(void) {
  long x = 1;
  double start = seconds();
  // A second of calls: far longer than optimizing `step` takes.
  while (seconds() - start < 1.0)
    for (int i = 0; i < 100000; i++)
      x = step(x);
  after_swap(x);
  return 0;
}

// CHECK: materialized step (guid {{.*}}, tier 1
// CHECK: optimized step (guid {{.*}}) at 0x[[BODY:[0-9a-f]+]], compiled in {{.*}}, tier 2
// CHECK: Breakpoint 1.{{[0-9]+}}, after_swap
// CHECK: Breakpoint 2.{{[0-9]+}}, step (x=[[X:[0-9]+]]) at {{.*}}gdb-tiers-swap.c:16
// CHECK: #0  step (x=[[X]]) at {{.*}}gdb-tiers-swap.c:16
// CHECK-NEXT: #1  {{.*}} in after_swap (x={{.*}}) at {{.*}}gdb-tiers-swap.c:25
// CHECK-NEXT: #2  {{.*}} in main () at {{.*}}gdb-tiers-swap.c:35
// CHECK: $1 = [[X]]
// The stop is in the optimized body.
// CHECK: Line 16 of "{{.*}}gdb-tiers-swap.c" starts at address 0x[[BODY]] <step>
