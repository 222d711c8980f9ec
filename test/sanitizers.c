// AddressSanitizer and ThreadSanitizer reach lazy code: the functions are
// lazified and the engine instruments them as clang instruments the rest,
// so a heap overflow and a data race in lazy code are reported as in the
// regular build, at -O0 and -O2.
// With AUTOJIT_SANITIZE: ThreadSanitizer programs cannot carry AddressSanitizer's runtime.
// UNSUPPORTED: sanitized-autojit
// RUN: rm -rf %t && mkdir -p %t
// RUN: export AUTOJIT_CACHE_DIR=%t/store

// RUN: env AUTOJIT_DEBUG=1 %clang -O0 -g -fsanitize=address %autojit -c %s -o %t/asan0.o 2>&1 | FileCheck %s --check-prefix=LAZIFIED
// RUN: %clang -fsanitize=address %t/asan0.o -o %t/asan0 %rt
// RUN: not %t/asan0 overflow 2>&1 | FileCheck %s --check-prefix=ASAN
// RUN: %t/asan0 | FileCheck %s --check-prefix=CLEAN
// RUN: %clang -O2 -g -fsanitize=address %autojit -c %s -o %t/asan2.o
// RUN: %clang -fsanitize=address %t/asan2.o -o %t/asan2 %rt
// RUN: not %t/asan2 overflow 2>&1 | FileCheck %s --check-prefix=ASAN
// Warm: the cached objects are the instrumented ones.
// RUN: not %t/asan2 overflow 2>&1 | FileCheck %s --check-prefix=ASAN
// Use after scope, an option clang turns on by default.
// RUN: not %t/asan0 scope 2>&1 | FileCheck %s --check-prefix=SCOPE
// LAZIFIED: lazified read_past_end
// ASAN: ERROR: AddressSanitizer: heap-buffer-overflow
// ASAN: READ of size 4
// SCOPE: ERROR: AddressSanitizer: stack-use-after-scope
// CLEAN: sum 6

// RUN: %clang -O0 -g -fsanitize=thread %autojit -c %s -o %t/tsan0.o
// RUN: %clang -fsanitize=thread %t/tsan0.o -o %t/tsan0 %rt
// RUN: not %t/tsan0 race 2>&1 | FileCheck %s --check-prefix=TSAN
// RUN: %clang -O2 -g -fsanitize=thread %autojit -c %s -o %t/tsan2.o
// RUN: %clang -fsanitize=thread %t/tsan2.o -o %t/tsan2 %rt
// RUN: not %t/tsan2 race 2>&1 | FileCheck %s --check-prefix=TSAN
// TSAN: WARNING: ThreadSanitizer: data race
// TSAN: Location is global 'counter'

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) int read_past_end(const int *p, int n) {
  return p[n];
}

int overflow(int n) {
  int *p = malloc(n * sizeof(int));
  memset(p, 0, n * sizeof(int));
  int v = read_past_end(p, n);
  free(p);
  return v;
}

__attribute__((noinline)) int use_after_scope(void) {
  int *escaped;
  {
    int local = 7;
    escaped = &local;
    __asm__ volatile("" : : "r"(escaped) : "memory");
  }
  return *escaped;
}

int counter;

void *bump(void *arg) {
  for (int i = 0; i < 100000; i++)
    counter++;
  return arg;
}

int race(void) {
  pthread_t a, b;
  pthread_create(&a, 0, bump, 0);
  pthread_create(&b, 0, bump, 0);
  pthread_join(a, 0);
  pthread_join(b, 0);
  return counter > 0;
}

int main(int argc, char **argv) {
  if (argc > 1 && !strcmp(argv[1], "overflow"))
    return overflow(4 + argc);
  if (argc > 1 && !strcmp(argv[1], "scope"))
    return use_after_scope();
  if (argc > 1 && !strcmp(argv[1], "race"))
    return race();
  int p[3] = {1, 2, 3};
  printf("sum %d\n", read_past_end(p, 0) + read_past_end(p, 1) + read_past_end(p, 2));
  return 0;
}
