// Recursion and mutual recursion through trampolines.
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clang -O0 %autojit %s -o %t.exe %rt
// RUN: env AUTOJIT_STATS=1 %t.exe 2>&1 | FileCheck %s

#include <stdio.h>

int is_odd(unsigned n);
int is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }
int is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }
long fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
static long fact(int n) { return n <= 1 ? 1 : n * fact(n - 1); }
long call_fact(int n) { return fact(n); }

int main(void) {
  printf("even(1001)=%d odd(1001)=%d\n", is_even(1001), is_odd(1001));
  printf("fib(25)=%ld fact(20)=%ld\n", fib(25), call_fact(20));
  return 0;
}

// CHECK-DAG: even(1001)=0 odd(1001)=1
// CHECK-DAG: fib(25)=75025 fact(20)=2432902008176640000
// Each function compiles once however often it recurses (at -O0 the static
// fact too, on its own).
// CHECK-DAG: stats: materialized=6 compiled=6
