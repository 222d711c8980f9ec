// Tiers in an optimized build: each function's first code is first-tier
// code (not optimized, counting its runs); the functions that run often are
// optimized in the background and published in their trampolines; the
// program prints what the regular build prints. The next run starts from
// the optimized objects. AUTOJIT_TIER=1 keeps first-tier code, =2 compiles
// optimized code from the start; a build at -O0 has one tier. Remote
// programs do the same, autojitd optimizing; what it has not linked when
// the program exits it keeps for the next run (the first run waits for
// that here, with AUTOJITD_FULL_SHUTDOWN, so that the second is warm).
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clang -O2 -g %s -o %t.regular
// RUN: %t.regular > %t.expected
// RUN: %clang -O2 -g %autojit %s -o %t.exe %rt
// RUN: env AUTOJIT_DEBUG=1 AUTOJIT_STATS=1 AUTOJITD_FULL_SHUTDOWN=1 %t.exe > %t.out 2> %t.log
// RUN: diff %t.expected %t.out
// RUN: FileCheck --check-prefixes=%if inprocess %{COLD,COLD-STATS%} %else %{%if spawn %{COLD%} %else %{DAEMON%}%} %s < %t.log
// RUN: env AUTOJIT_DEBUG=1 AUTOJIT_STATS=1 %t.exe 2>&1 > %t.out | FileCheck --check-prefixes=%if inprocess %{WARM,WARM-STATS%} %else %{%if spawn %{WARM,REMOTE-WARM%} %else %{REMOTE-WARM%}%} %s
// RUN: diff %t.expected %t.out
// RUN: env AUTOJIT_STATS=1 AUTOJIT_TIER=1 AUTOJIT_DISABLE_OBJECT_CACHE=1 %t.exe 2>&1 > %t.out | FileCheck --check-prefix=%if inprocess %{FIRST%} %else %{REMOTE-FIRST%} %s
// RUN: diff %t.expected %t.out
// RUN: env AUTOJIT_DEBUG=1 AUTOJIT_STATS=1 AUTOJIT_TIER=2 AUTOJIT_DISABLE_OBJECT_CACHE=1 %t.exe 2>&1 > %t.out | FileCheck --check-prefix=%if daemon %{DAEMON%} %else %{OPTIMIZED%} %s
// RUN: diff %t.expected %t.out
// RUN: %clang -O0 -g %autojit %s -o %t.O0.exe %rt
// RUN: env AUTOJIT_DEBUG=1 AUTOJIT_STATS=1 %t.O0.exe 2>&1 > %t.out | FileCheck --check-prefix=%if daemon %{DAEMON%} %else %{OPTIMIZED%} %s
// RUN: diff %t.expected %t.out

#include <stdio.h>

__attribute__((noinline)) int square(int x) { return x * x; }

// Called twice, with a long loop: hot by its loop trips.
__attribute__((noinline)) long sum_of_squares(int n) {
  long sum = 0;
  for (int i = 0; i < n; i++)
    sum += square(i) % 7;
  return sum;
}

__attribute__((noinline)) int once(int x) { return x + 1; }

int main(void) {
  long total = once(0);
  for (int round = 0; round < 2; round++)
    total += sum_of_squares(5000);
  printf("total=%ld\n", total);
  return 0;
}

// The optimized objects are linked during the run, or, when the program
// exits first, kept for the next run: either way, "compiled in".
// COLD-DAG: materialized main (guid {{.*}}, compiled in {{.*}}, tier 1
// COLD-DAG: materialized square (guid {{.*}}, compiled in {{.*}}, tier 1
// COLD-DAG: optimized square (guid {{.*}}, compiled in {{.*}}, tier 2
// COLD-DAG: optimized sum_of_squares (guid {{.*}}, compiled in {{.*}}, tier 2
// COLD-STATS: stats: materialized=4 compiled=4 cache-hits=0 {{.*}} first-tier=4 optimized=2 background-ms=
// WARM-DAG: materialized once (guid {{.*}}, from cache, tier 1
// WARM-DAG: materialized square (guid {{.*}}, from cache, tier 2
// WARM-DAG: materialized sum_of_squares (guid {{.*}}, from cache, tier 2
// WARM-STATS: stats: materialized=6 compiled=0 cache-hits=6 {{.*}} first-tier=4 optimized=0
// The stub's stats line has no tiers' counters.
// REMOTE-WARM: stats: materialized=6 compiled=0 cache-hits=6
// REMOTE-WARM-NOT: first-tier=
// FIRST: stats: materialized=4 compiled=4 cache-hits=0 {{.*}} first-tier=4 optimized=0 background-ms=0.0
// REMOTE-FIRST: stats: materialized=4 compiled=4 cache-hits=0
// OPTIMIZED-NOT: tier 1
// OPTIMIZED: materialized {{.*}}, tier 2
// OPTIMIZED-NOT: tier 1
// OPTIMIZED-NOT: first-tier=
// A shared daemon logs to its own log.
// DAEMON: stats: materialized=
// DAEMON-NOT: first-tier=
