// Batches: the first call into a module compiles, in one object, the
// functions of that module it reaches that nothing compiled yet; a warm run
// links that one object. A batch smaller than 64 functions is topped up with
// the module's other functions nothing compiled yet (here the one only a
// pointer reaches), at -O0 and -O2 alike. AUTOJIT_BATCH=1 compiles each
// function alone, and then a function only a pointer reaches gets an object
// of its own when it is called.
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clang -O0 -g %autojit %s -o %t.exe %rt
// RUN: env AUTOJIT_STATS=1 %t.exe 2>&1 | FileCheck --check-prefix=COLD %s -DRT=%rtprefix
// RUN: env AUTOJIT_STATS=1 %t.exe indirect 2>&1 | FileCheck --check-prefix=WARM %s -DRT=%rtprefix
// RUN: env AUTOJIT_STATS=1 AUTOJIT_BATCH=1 AUTOJIT_DISABLE_OBJECT_CACHE=1 %t.exe 2>&1 | FileCheck --check-prefix=ALONE %s -DRT=%rtprefix
// RUN: %clang -O2 -g %autojit %s -o %t.O2.exe %rt
// RUN: env AUTOJIT_STATS=1 %t.O2.exe 2>&1 | FileCheck --check-prefix=O2 %s -DRT=%rtprefix
// RUN: rm -rf %t.store/objects
// RUN: env AUTOJIT_STATS=1 AUTOJIT_BATCH=1 AUTOJIT_TIER=2 %t.O2.exe 2>&1 | FileCheck --check-prefix=O2-ALONE %s -DRT=%rtprefix
// RUN: env AUTOJIT_STATS=1 AUTOJIT_BATCH=1 AUTOJIT_TIER=2 %t.O2.exe indirect 2>&1 | FileCheck --check-prefix=O2-INDIRECT %s -DRT=%rtprefix

#include <stdio.h>

int leaf(int x) { return x * 3; }
int middle(int x) { return leaf(x) + 2; }
int other(int x) { return middle(x) - leaf(x); }
// Reached only through a pointer main does not name.
int by_pointer(int x) { return x + 100; }
int (*volatile pointer)(int) = by_pointer;

int main(int argc, char **argv) {
  (void)argv;
  int result = middle(4) + other(1);
  if (argc > 1)
    result += pointer(0);
  printf("result=%d\n", result);
  return 0;
}

// COLD-DAG: result=16
// COLD-DAG: [[RT]] stats: materialized=5 compiled=5 cache-hits=0 modules-loaded=1 objects=1
// WARM-DAG: result=116
// WARM-DAG: [[RT]] stats: materialized=5 compiled=0 cache-hits=5 modules-loaded=0 objects=1
// ALONE-DAG: result=16
// ALONE-DAG: [[RT]] stats: materialized=4 compiled=4 cache-hits=0 modules-loaded=1 objects=4
// O2-DAG: result=16
// O2-DAG: [[RT]] stats: materialized=5 compiled=5 cache-hits=0 modules-loaded=1 objects=1
// In optimized code (AUTOJIT_TIER=2: no first-tier code) main inlines the
// other three.
// O2-ALONE-DAG: result=16
// O2-ALONE-DAG: [[RT]] stats: materialized=1 compiled=1 cache-hits=0 modules-loaded=1 objects=1
// O2-INDIRECT-DAG: result=116
// O2-INDIRECT-DAG: [[RT]] stats: materialized=2 compiled=1 cache-hits=1 modules-loaded=1 objects=2
