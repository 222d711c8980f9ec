// Arguments passed in memory (structs over 16 bytes, long double, structs
// holding one), __int128, varargs and AVX vectors reach lazified bodies
// intact, called from regular code and from lazy code, at -O0 and -O2: the
// trampoline never touches the stack or an argument register, and the
// resolver saves the whole vector state.
// RUN: %clang -O0 %autojit -c %s -o %t.lazy0.o
// RUN: %clang -O0 -DCALLER -c %s -o %t.main0.o
// RUN: %clang %t.main0.o %t.lazy0.o -o %t.O0.exe %rt
// RUN: %t.O0.exe | FileCheck %s
// RUN: %clang -O2 %autojit -c %s -o %t.lazy2.o
// RUN: %clang -O2 -DCALLER -c %s -o %t.main2.o
// RUN: %clang %t.main2.o %t.lazy2.o -o %t.O2.exe %rt
// RUN: %t.O2.exe | FileCheck %s

#include <stdarg.h>
#include <stdio.h>

struct Big { long a[16]; };
struct WithLD { long double x; int tag; };
struct Mixed { double d; float f; char c[13]; };

long sum_big(struct Big b);
long double scale(long double x, struct WithLD w);
__int128 wide(__int128 a, int i1, int i2, int i3, int i4, int i5, __int128 b);
double vsum(int n, ...);
struct Big make_big(long seed, struct Mixed m);
long through_lazy(struct Big b);

#ifdef CALLER
int main(void) {
  struct Big b;
  for (int i = 0; i < 16; i++)
    b.a[i] = i;
  struct WithLD w = {2.5L, 7};
  struct Mixed m = {1.5, 2.5f, "twelve chars"};
  printf("sum_big=%ld\n", sum_big(b));
  printf("scale=%.3Lf\n", scale(3.0L, w));
  __int128 r = wide((__int128)1 << 100, 1, 2, 3, 4, 5, 3);
  printf("wide=%llx:%llx\n", (unsigned long long)(r >> 64), (unsigned long long)r);
  printf("vsum=%.2f\n", vsum(4, 1.25, b, 2.5L, m));
  struct Big made = make_big(10, m);
  printf("make_big=%ld,%ld,%ld\n", made.a[0], made.a[15], made.a[7]);
  printf("through_lazy=%ld\n", through_lazy(b));
  return 0;
}
#else
long sum_big(struct Big b) {
  long s = 0;
  for (int i = 0; i < 16; i++)
    s += b.a[i] * (i + 1);
  return s;
}
long double scale(long double x, struct WithLD w) { return x * w.x + w.tag; }
__int128 wide(__int128 a, int i1, int i2, int i3, int i4, int i5, __int128 b) {
  return a * b + i1 + i2 + i3 + i4 + i5;
}
double vsum(int n, ...) {
  va_list ap;
  va_start(ap, n);
  double d = va_arg(ap, double);
  struct Big b = va_arg(ap, struct Big);
  long double ld = va_arg(ap, long double);
  struct Mixed m = va_arg(ap, struct Mixed);
  va_end(ap);
  return n + d + b.a[15] + (double)ld + m.d + m.f + m.c[5];
}
struct Big make_big(long seed, struct Mixed m) {
  struct Big b;
  for (int i = 0; i < 16; i++)
    b.a[i] = seed * i + (long)(m.d * 2) + m.c[0];
  return b;
}
// Lazy code calling lazy code with the same arguments.
long through_lazy(struct Big b) { return sum_big(b) + make_big(1, (struct Mixed){0}).a[3]; }
#endif

// CHECK: sum_big=1360
// CHECK-NEXT: scale=14.500
// CHECK-NEXT: wide=3000000000:f
// CHECK-NEXT: vsum=127.75
// CHECK-NEXT: make_big=119,269,189
// CHECK-NEXT: through_lazy=1363
