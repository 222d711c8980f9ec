// AUTOJIT_STATS naming a file appends the stats line there, so a program
// that closes stderr before it exits (as mawk does) still reports, and the
// lines of several runs collect in one file. A true value prints to stderr.
// RUN: rm -rf %t.store %t.stats
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clang -O0 %autojit %s -o %t.exe %rt
// RUN: env AUTOJIT_STATS=%t.stats %t.exe | FileCheck %s --check-prefix=OUT
// RUN: env AUTOJIT_STATS=%t.stats %t.exe | FileCheck %s --check-prefix=OUT
// RUN: FileCheck %s --input-file %t.stats -DRT=%rtprefix
// RUN: env AUTOJIT_STATS=1 %t.exe keep-stderr 2>&1 >/dev/null | FileCheck %s --check-prefix=STDERR -DRT=%rtprefix
// RUN: env AUTOJIT_STATS=0 %t.exe keep-stderr 2>&1 >/dev/null | count 0
// A file that cannot be written: the line goes to stderr, saying why.
// RUN: env AUTOJIT_STATS=%t.missing/stats %t.exe keep-stderr 2>&1 >/dev/null | FileCheck %s --check-prefix=UNWRITABLE -DRT=%rtprefix -DPATH=%t.missing/stats

#include <stdio.h>
#include <unistd.h>

int twice(int x) { return 2 * x; }

int main(int argc, char **argv) {
  (void)argv;
  printf("twice=%d\n", twice(21));
  fflush(stdout);
  if (argc == 1)
    close(2);
  return 0;
}

// OUT: twice=42
// CHECK: {{^}}[[RT]] stats: materialized=2 compiled=2 cache-hits=0 modules-loaded=1 objects=1 compile-ms={{[0-9.]+}} materialize-ms={{[0-9.]+}}{{$}}
// CHECK-NEXT: {{^}}[[RT]] stats: materialized=2 compiled=0 cache-hits=2 modules-loaded=0 objects=1 compile-ms={{[0-9.]+}} materialize-ms={{[0-9.]+}}{{$}}
// CHECK-NOT: stats
// STDERR: {{^}}[[RT]] stats: materialized=2
// UNWRITABLE: {{^}}[[RT]] cannot append the stats to [[PATH]]: No such file or directory; set AUTOJIT_STATS to a file that can be written, or to 1 for stderr; stats: materialized=2
