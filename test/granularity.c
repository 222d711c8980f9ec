// What runs decides what is compiled: calling one function of a module with
// a thousand functions compiles main and that function in one batch, topped
// up to 64 functions of the module (AUTOJIT_BATCH=2: only the two). No lazy
// module the run does not call into is read.
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clang -O0 -c %autojit %s -o %t.main.o
// RUN: %clang -O0 -c %autojit %inputs/never-called.c -o %t.never.o
// RUN: %clang %t.main.o %t.never.o -o %t.exe %rt
// RUN: env AUTOJIT_STATS=1 %t.exe 2>&1 | FileCheck %s -DRT=%rtprefix
// RUN: %clang -O2 -c %autojit %s -o %t.main.O2.o
// RUN: %clang %t.main.O2.o %t.never.o -o %t.O2.exe %rt
// RUN: env AUTOJIT_STATS=1 %t.O2.exe 2>&1 | FileCheck %s -DRT=%rtprefix
// RUN: env AUTOJIT_STATS=1 AUTOJIT_BATCH=2 AUTOJIT_DISABLE_OBJECT_CACHE=1 %t.exe 2>&1 | FileCheck %s --check-prefix=TWO -DRT=%rtprefix

#include <stdio.h>

#define F(n) int f##n(int x) { return x + n; }
#define F10(n) F(n##0) F(n##1) F(n##2) F(n##3) F(n##4) F(n##5) F(n##6) F(n##7) F(n##8) F(n##9)
#define F100(n) F10(n##0) F10(n##1) F10(n##2) F10(n##3) F10(n##4) F10(n##5) F10(n##6) F10(n##7) F10(n##8) F10(n##9)
F100(10) F100(11) F100(12) F100(13) F100(14) F100(15) F100(16) F100(17) F100(18) F100(19)

int main(void) {
  printf("f1234=%d\n", f1234(1));
  return 0;
}

// CHECK-DAG: f1234=1235
// CHECK-DAG: [[RT]] stats: materialized=64 compiled=64 cache-hits=0 modules-loaded=1 objects=1
// TWO-DAG: f1234=1235
// TWO-DAG: [[RT]] stats: materialized=2 compiled=2 cache-hits=0 modules-loaded=1 objects=1
