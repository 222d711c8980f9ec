// A C program whose functions are all compiled on first call: locals the
// static and lazy code share, varargs, function pointers to a static function.
// RUN: %clang -O0 -g %autojit %s -o %t.exe %rt
// RUN: %t.exe | FileCheck %s

#include <stdarg.h>
#include <stdio.h>

static int counter;
static int twice(int x) { return 2 * x; }
static int plus100(int x) { return x + 100; }

int add(int a, int b) {
  counter++;
  return twice(a) + b;
}

int sum(int n, ...) {
  va_list ap;
  va_start(ap, n);
  int s = 0;
  for (int i = 0; i < n; i++)
    s += va_arg(ap, int);
  va_end(ap);
  return s;
}

int apply(int (*f)(int), int x) { return f(x); }

int main(void) {
  printf("add=%d\n", add(1, 2));
  printf("sum=%d\n", sum(4, 1, 2, 3, 4));
  printf("apply=%d\n", apply(plus100, 1));
  printf("counter=%d\n", counter);
  return 0;
}

// CHECK: add=4
// CHECK-NEXT: sum=10
// CHECK-NEXT: apply=101
// CHECK-NEXT: counter=1
