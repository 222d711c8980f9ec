// perf names lazily compiled code: `perf report` through the perf map, and
// after `perf inject --jit` through the jitdump, with source lines. In
// remote mode autojitd writes both files and the stub maps the jitdump, as
// perf inject requires of the profiled process.
// REQUIRES: perf
// RUN: rm -rf %t.jit %t.data %t.jit.data %t.buildid
// RUN: %clang -O0 -g %autojit %s -o %t.exe %rt
// RUN: env AUTOJIT_PERF=1 JITDUMPDIR=%t.jit perf record -q -N -k mono -o %t.data %t.exe > %t.out
// RUN: perf report -i %t.data --stdio --sort sym > %t.map-report
// RUN: %python %inputs/perf_files.py cleanup %t.out
// RUN: FileCheck --check-prefix=MAP %s < %t.map-report
// perf's build-id cache, which inject fills, is the test's own.
// RUN: perf --buildid-dir %t.buildid inject --jit -i %t.data -o %t.jit.data
// RUN: perf --buildid-dir %t.buildid report -i %t.jit.data --stdio --sort dso,sym,srcline | FileCheck --check-prefix=JITDUMP %s

#include <stdio.h>
#include <unistd.h>

double hot_loop(long n) {
  double sum = 0;
  for (long i = 1; i < n; i++)
    sum += 1.0 / (double)i; // JITDUMP: jitted-{{[0-9]+}}-{{[0-9]+}}.so [.] hot_loop perf-record.c:[[@LINE]]
  return sum;
}

int main(void) {
  printf("pid=%d pc=0\n", (int)getpid());
  printf("%.3f\n", hot_loop(100 * 1000 * 1000));
  return 0;
}

// MAP: {{[0-9.]+}}% [.] hot_loop
