// AVX vectors passed in ymm registers reach a lazified body whole: the
// resolver saves and restores the full vector state around the runtime,
// whose own code (and the C library's memcpy) clobbers the upper halves.
// REQUIRES: avx
// RUN: %clang -O2 -mavx %autojit -c %s -o %t.lazy.o
// RUN: %clang -O2 -mavx -DCALLER -c %s -o %t.main.o
// RUN: %clang %t.main.o %t.lazy.o -o %t.exe %rt
// RUN: %t.exe | FileCheck %s

#include <stdio.h>

typedef double v4d __attribute__((vector_size(32)));
typedef float v8f __attribute__((vector_size(32)));

double combine(v4d a, v8f b, v4d c, double tail, ...);

#ifdef CALLER
int main(void) {
  v4d a = {1, 2, 3, 4}, c = {1000, 2000, 3000, 4000};
  v8f b = {10, 20, 30, 40, 50, 60, 70, 80};
  printf("combine=%.1f\n", combine(a, b, c, 0.5, 0.25));
  return 0;
}
#else
#include <stdarg.h>
double combine(v4d a, v8f b, v4d c, double tail, ...) {
  va_list ap;
  va_start(ap, tail);
  double extra = va_arg(ap, double);
  va_end(ap);
  double s = tail + extra;
  for (int i = 0; i < 4; i++)
    s += a[i] * (i + 1) + c[i];
  for (int i = 0; i < 8; i++)
    s += b[i];
  return s;
}
#endif

// CHECK: combine=10390.8
