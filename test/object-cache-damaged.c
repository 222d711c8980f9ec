// A damaged object cache costs a compile, never a wrong result or a crash:
// a truncated object no longer matches its member list and is compiled
// again, a member list that cannot be read is a miss, and index lines that
// cannot be read are skipped. What compiles again compiles in one batch, as
// the first time: functions indexed into a damaged object are not taken for
// compiled.
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clang -O0 -g %autojit %s -o %t.exe %rt
// RUN: %t.exe | FileCheck %s
// RUN: %python %inputs/damage_cache.py truncate-objects %t.store/objects
// RUN: env AUTOJIT_STATS=1 %t.exe 2>&1 | FileCheck %s --check-prefixes=CHECK,AGAIN -DRT=%rtprefix
// RUN: %python %inputs/damage_cache.py garble-members %t.store/objects
// RUN: env AUTOJIT_STATS=1 %t.exe 2>&1 | FileCheck %s --check-prefixes=CHECK,AGAIN -DRT=%rtprefix
// RUN: %python %inputs/damage_cache.py garble-index %t.store/objects
// RUN: env AUTOJIT_STATS=1 %t.exe 2>&1 | FileCheck %s --check-prefixes=CHECK,WARM -DRT=%rtprefix

#include <stdio.h>

int leaf(int x) { return x * 3; }
int middle(int x) { return leaf(x) + 2; }

int main(void) {
  printf("result=%d\n", middle(4));
  return 0;
}

// CHECK-DAG: result=14
// AGAIN-DAG: [[RT]] stats: materialized=3 compiled=3 cache-hits=0 modules-loaded=1 objects=1
// WARM-DAG: [[RT]] stats: materialized=3 compiled=0 cache-hits=3
