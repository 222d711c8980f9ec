// Above -O0, each small lazified function keeps an available_externally copy
// of its code in the lazy module, under the name lazy code calls it by, so
// the optimizer of the bodies that call it can inline it as the regular
// build would. Not copied: large functions, noinline ones, ones whose label
// addresses are taken, and ones using a constant copied into their own body
// (a string literal, whose address would then differ between copies).
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: env AUTOJIT_DEBUG=1 %clang -O2 %autojit %s -o %t.exe %rt 2> %t.log
// RUN: FileCheck %s --check-prefix=LOG --input-file %t.log
// RUN: FileCheck %s --check-prefix=LAZY --input-file %t.store/modules/inlinable-copies.ll
// RUN: %t.exe | FileCheck %s --check-prefix=OUT
// At -O0 nothing inlines, and nothing is copied.
// RUN: env AUTOJIT_DEBUG=1 %clang -O0 %autojit %s -o %t.O0.exe %rt 2> %t.O0.log
// RUN: FileCheck %s --check-prefix=O0 --input-file %t.store/modules/inlinable-copies.ll
// RUN: %t.O0.exe | FileCheck %s --check-prefix=OUT

#include <stdio.h>

static int square(int x) { return x * x; }
int twice(int x) { return 2 * x; }
__attribute__((noinline)) int kept_apart(int x) { return x - 1; }
const char *greeting(void) { return "hello"; }

int big(int n) {
  int a = 1, b = 2, c = 3, d = 4;
  for (int i = 0; i < n; i++) {
    a += b * i; b ^= c + i; c -= d * 3; d += a >> 2;
    a = a * 7 + b; b = b * 5 - c; c = c * 3 + d; d = d * 11 - a;
  }
  return (a + b + c + d) & 0xff;
}

int label_user(int i) {
  static const void *const targets[] = {&&even, &&odd};
  goto *targets[i & 1];
even:
  return 10;
odd:
  return 11;
}

int main(int argc, char **argv) {
  (void)argv;
  printf("%d %d %d %s %d %d\n", square(argc + 2), twice(argc), kept_apart(argc),
         greeting(), big(argc), label_user(argc));
  return 0;
}

// LOG: autojit-plugin: gave 2 small lazified functions an inlinable copy

// LAZY-DAG: define available_externally {{.*}}i32 @square.autojit.{{[0-9a-f]+}}(i32
// LAZY-DAG: define available_externally {{.*}}i32 @twice(i32
// LAZY-DAG: declare {{.*}}i32 @kept_apart(i32
// LAZY-DAG: declare {{.*}}ptr @greeting()
// LAZY-DAG: declare {{.*}}i32 @big(i32
// LAZY-DAG: declare {{.*}}i32 @label_user(i32

// O0-NOT: available_externally
// O0: !"autojit-opt-level", i32 0}

// OUT: 9 2 0 hello {{[0-9]+}} 11
