// A function that turns hot while the program runs is swapped for its
// optimized body in the same run: autojitd links it while a thread of the
// stub serves the session between the program's calls (in process, the
// background thread links it). The program keeps calling it for a second,
// far longer than optimizing it takes, and prints what the regular build
// prints.
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clang -O2 -g %s -o %t.regular
// RUN: %t.regular > %t.expected
// RUN: %clang -O2 -g %autojit %s -o %t.exe %rt
// RUN: env AUTOJIT_DEBUG=1 %t.exe > %t.out 2> %t.log
// RUN: diff %t.expected %t.out
// RUN: %if !daemon %{ FileCheck %s < %t.log %}

#include <stdio.h>
#include <time.h>

__attribute__((noinline)) long step(long x) { return (x * 7 + 3) % 1000003; }

static double seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

int main(void) {
  long x = 1;
  double start = seconds();
  // Rounds of calls, so that a swap reaches the next call.
  for (long round = 0; seconds() - start < 1.0; round++)
    for (int i = 0; i < 100000; i++)
      x = step(x);
  printf("done: %d\n", x >= 0);
  return 0;
}

// CHECK: materialized step (guid {{.*}}, tier 1
// Linked (at an address) while the program runs, not kept for the next run.
// CHECK: optimized step (guid {{.*}}) at 0x{{.*}}, tier 2
