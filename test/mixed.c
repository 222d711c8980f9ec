// Programs that mix lazified and regular translation units, in every
// combination: lazy main calling regular code and back, regular main calling
// lazy code and back, with the runtime linked either way.
// RUN: %clang -O0 -c %autojit %s -o %t.main-lazy.o
// RUN: %clang -O0 -c %s -o %t.main-regular.o
// RUN: %clang -O0 -c %autojit %inputs/mixed-lib.c -o %t.lib-lazy.o
// RUN: %clang -O0 -c %inputs/mixed-lib.c -o %t.lib-regular.o
// RUN: %clang %t.main-lazy.o %t.lib-lazy.o -o %t.ll.exe %rt
// RUN: %clang %t.main-lazy.o %t.lib-regular.o -o %t.lr.exe %rt
// RUN: %clang %t.main-regular.o %t.lib-lazy.o -o %t.rl.exe %rt
// RUN: %clang %t.main-regular.o %t.lib-regular.o -o %t.rr.exe %rt
// RUN: %t.ll.exe | FileCheck %s
// RUN: %t.lr.exe | FileCheck %s
// RUN: %t.rl.exe | FileCheck %s
// RUN: %t.rr.exe | FileCheck %s

#include <stdio.h>

int lib_shared_value;
int lib_apply(int (*f)(int), int x);
int lib_call_back(int x);

int main_callback(int x) { return x + 1000; }
int main_helper(int x) { return x * 10; }

int main(void) {
  lib_shared_value = 42;
  printf("apply=%d\n", lib_apply(main_callback, 1));
  printf("back=%d\n", lib_call_back(3));
  printf("shared=%d\n", lib_shared_value);
  return 0;
}

// CHECK: apply=1001
// CHECK-NEXT: back=30
// CHECK-NEXT: shared=43
