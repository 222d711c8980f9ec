// gdb in an optimized build's two tiers: a breakpoint in first-tier code
// (the first run), then, the next run starting from the optimized object
// the first one cached, a breakpoint in optimized code; each sees its
// argument and backtraces through first-tier main. (The first stop of each
// run is the trampoline, the second the body.)
// REQUIRES: gdb, inprocess
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clang -O2 -g %autojit %s -o %t.exe %rt
// RUN: env AUTOJIT_DEBUG=1 gdb -batch -nx -ex "break leaf" -ex run -ex continue -ex bt -ex "print x" -ex "kill" %t.exe 2>&1 | FileCheck --check-prefix=FIRST %s
// RUN: %t.exe | FileCheck --check-prefix=OUTPUT %s
// RUN: env AUTOJIT_DEBUG=1 gdb -batch -nx -ex "break leaf" -ex run -ex continue -ex bt -ex "print x" -ex "kill" %t.exe 2>&1 | FileCheck --check-prefix=OPTIMIZED %s

#include <stdio.h>

__attribute__((noinline)) int leaf(int x) { return x * 3 + 1; }

int main(void) {
  long sum = 0;
  // More calls than make a function hot (autojit_abi::tier::HOT_COUNT).
  for (int i = 0; i < 6000; i++)
    sum += leaf(i);
  printf("sum=%ld\n", sum);
  return 0;
}

// FIRST: materialized leaf (guid {{.*}}, tier 1
// FIRST: leaf (x=0) at {{.*}}gdb-tiers.c:16
// FIRST: #0  leaf (x=0) at {{.*}}gdb-tiers.c:16
// FIRST-NEXT: #1  {{.*}} in main () at {{.*}}gdb-tiers.c:22
// FIRST: $1 = 0
// OUTPUT: sum=53997000
// OPTIMIZED: materialized leaf (guid {{.*}}, from cache, tier 2
// OPTIMIZED: leaf (x=0) at {{.*}}gdb-tiers.c:16
// OPTIMIZED: #0  leaf (x=0) at {{.*}}gdb-tiers.c:16
// OPTIMIZED-NEXT: #1  {{.*}} in main () at {{.*}}gdb-tiers.c:22
// OPTIMIZED: $1 = 0
