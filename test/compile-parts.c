// A big batch compiles in parts, one per thread, each into an object of its
// own (AUTOJIT_THREADS=2: main, all and the 300 functions all calls, in two
// objects); the program cannot tell. One thread: one object. Small batches
// (granularity.c) stay whole.
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clang -O0 %autojit %s -o %t.exe %rt
// RUN: env AUTOJIT_STATS=1 AUTOJIT_THREADS=2 %t.exe 2>&1 | FileCheck %s --check-prefix=TWO -DRT=%rtprefix
// RUN: env AUTOJIT_STATS=1 AUTOJIT_THREADS=2 %t.exe 2>&1 | FileCheck %s --check-prefix=WARM -DRT=%rtprefix
// RUN: env AUTOJIT_STATS=1 AUTOJIT_THREADS=1 AUTOJIT_DISABLE_OBJECT_CACHE=1 %t.exe 2>&1 | FileCheck %s --check-prefix=ONE -DRT=%rtprefix

#include <stdio.h>

#define F(n) int f##n(int x) { return x + n; }
#define F10(n) F(n##0) F(n##1) F(n##2) F(n##3) F(n##4) F(n##5) F(n##6) F(n##7) F(n##8) F(n##9)
#define F100(n) F10(n##0) F10(n##1) F10(n##2) F10(n##3) F10(n##4) F10(n##5) F10(n##6) F10(n##7) F10(n##8) F10(n##9)
F100(10) F100(11) F100(12)

#define C(n) +f##n(x)
#define C10(n) C(n##0) C(n##1) C(n##2) C(n##3) C(n##4) C(n##5) C(n##6) C(n##7) C(n##8) C(n##9)
#define C100(n) C10(n##0) C10(n##1) C10(n##2) C10(n##3) C10(n##4) C10(n##5) C10(n##6) C10(n##7) C10(n##8) C10(n##9)
int all(int x) { return 0 C100(10) C100(11) C100(12); }

int main(void) {
  printf("all=%d\n", all(1));
  return 0;
}

// TWO-DAG: all=345150
// TWO-DAG: [[RT]] stats: materialized={{[0-9]+}} compiled=302 cache-hits=0 modules-loaded=1 objects=2
// WARM-DAG: all=345150
// WARM-DAG: [[RT]] stats: materialized={{[0-9]+}} compiled=0 cache-hits={{[0-9]+}} modules-loaded=0 objects=2
// ONE-DAG: all=345150
// ONE-DAG: [[RT]] stats: materialized={{[0-9]+}} compiled=302 cache-hits=0 modules-loaded=1 objects=1
