// Two programs built from one source file with different options share one
// store: the functions they have in common compile into one batch with a
// function they do not (its variant A calls a helper only program A links).
// Each program's first run compiles its own object; from then on each run
// of either takes its own object and compiles nothing, the other's object
// refused without being removed.
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clang -O0 -c -DHELPER %s -o %t.helper.o
// RUN: %clang -O0 -g %autojit -DVARIANT_A %s %t.helper.o -o %t.a.exe %rt
// RUN: %clang -O0 -g %autojit %s -o %t.b.exe %rt
// RUN: env AUTOJIT_STATS=1 %t.a.exe 2>&1 | FileCheck --check-prefixes=A,COLD %s
// RUN: env AUTOJIT_STATS=1 %t.b.exe 2>&1 | FileCheck --check-prefixes=B,COLD %s
// RUN: env AUTOJIT_STATS=1 %t.a.exe 2>&1 | FileCheck --check-prefixes=A,WARM %s
// RUN: env AUTOJIT_STATS=1 %t.b.exe 2>&1 | FileCheck --check-prefixes=B,WARM %s
// RUN: env AUTOJIT_STATS=1 %t.a.exe 2>&1 | FileCheck --check-prefixes=A,WARM %s

#include <stdio.h>

#ifdef HELPER
int only_in_a(int x) { return x * 100; }
#else
int only_in_a(int x);
static int counter;
int common_a(int x) { return x + counter++; }
int common_b(int x) { return common_a(x) * 2; }
#ifdef VARIANT_A
int variant(int x) { return only_in_a(x); }
#else
int variant(int x) { return x + 1; }
#endif

int main(void) {
  printf("result=%d\n", common_b(1) + variant(10));
  return 0;
}
#endif

// A-DAG: result=1002
// B-DAG: result=13
// COLD-DAG: stats: materialized=4 compiled=4 cache-hits=0
// WARM-DAG: stats: materialized=4 compiled=0 cache-hits=4
