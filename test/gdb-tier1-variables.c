// gdb sees first-tier code's variables in their stack slots, as in a -O0
// build: an optimized build's IR tracks each variable's assignments, and
// first-tier code declares the slot instead (cpp/declare_variables.cpp). A
// struct assigned member by member, a variable a callee changes through a
// pointer, an array and an argument each print their current value.
// REQUIRES: gdb, inprocess
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clang -O2 -g %autojit %s -o %t.exe %rt
// RUN: env AUTOJIT_TIER=1 AUTOJIT_DEBUG=1 gdb -batch -nx -ex "set breakpoint pending on" -ex "break gdb-tier1-variables.c:32" -ex run -ex "print point" -ex "print total" -ex "print seen" -ex "print rounds" -ex "kill" %t.exe 2>&1 | FileCheck %s

#include <stdio.h>

struct point {
  int x, y;
};

__attribute__((noinline)) static void bump(int *p) { *p += 5; }

__attribute__((noinline)) int walk(int rounds) {
  struct point point = {1, 2};
  int total = 0;
  int seen[3] = {0, 0, 0};
  for (int i = 0; i < rounds; i++) {
    point.x += i;
    point.y *= 2;
    bump(&total);
    total += point.x;
    seen[i % 3]++;
  }
  // Stopped here.
  return total + point.y + seen[0];
}

int main(int argc, char **argv) {
  (void)argv;
  printf("%d\n", walk(argc + 3));
  return 0;
}

// CHECK: materialized walk (guid {{.*}}, tier 1
// CHECK: walk (rounds=4) at {{.*}}gdb-tier1-variables.c:32
// CHECK: $1 = {x = 7, y = 32}
// CHECK-NEXT: $2 = 34
// CHECK-NEXT: $3 = {2, 1, 1}
// CHECK-NEXT: $4 = 4
