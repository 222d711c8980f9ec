// A function whose first call took a body linked with another function's
// (remote mode answers it in the program, without asking autojitd) still
// gets its optimized body when it turns hot: the program reads its
// trampoline's record and sees the body change to the one the log names.
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clang -O2 -g %autojit %s -o %t.exe %rt
// RUN: env AUTOJIT_DEBUG=1 %t.exe > %t.out 2> %t.log
// RUN: FileCheck --check-prefix=OUT %s < %t.out
// RUN: %if spawn %{ cat %t.log %t.out | FileCheck --check-prefix=SPAWN %s %}

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

__attribute__((noinline)) long step(long x) { return (x * 7 + 3) % 1000003; }
__attribute__((noinline)) long first(long x) { return x + 1; }

// The body a trampoline jumps to: `jmp *record(%rip)`, after an optional
// endbr64; the record's first word is the body.
static uintptr_t body_of(long (*f)(long)) {
  const unsigned char *p = (const unsigned char *)f;
  if (p[0] == 0xf3 && p[1] == 0x0f && p[2] == 0x1e && p[3] == 0xfa)
    p += 4;
  if (p[0] != 0xff || p[1] != 0x25)
    return 0;
  int32_t displacement;
  memcpy(&displacement, p + 2, sizeof displacement);
  uintptr_t body;
  memcpy(&body, p + 6 + displacement, sizeof body);
  return body;
}

static double seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

int main(void) {
  long x = first(1);
  x = step(x);
  uintptr_t first_tier = body_of(step);
  double start = seconds();
  while (body_of(step) == first_tier && seconds() - start < 20.0)
    for (int i = 0; i < 100000; i++)
      x = step(x);
  uintptr_t now = body_of(step);
  printf("first-tier body found: %d\n", first_tier != 0);
  printf("%s to 0x%lx\n", now != first_tier ? "swapped" : "not swapped", (unsigned long)now);
  printf("result: %d\n", x >= 0);
  return 0;
}

// OUT: first-tier body found: 1
// OUT-NEXT: {{^}}swapped to 0x
// OUT-NEXT: result: 1

// main's object defines step: the stub answers step's first call.
// SPAWN: materialized the function with GUID {{.*}}, linked before
// SPAWN: optimized step (guid {{.*}}) at [[BODY:0x[0-9a-f]+]], compiled in {{.*}}, tier 2
// SPAWN: swapped to [[BODY]]
