// Lazily compiled functions may contain inline asm: the runtime's code
// generator parses and assembles it like clang does.
// RUN: %clang -O0 %autojit %s -o %t.exe %rt
// RUN: %t.exe | FileCheck %s

#include <stdio.h>

unsigned add_with_asm(unsigned a, unsigned b) {
  __asm__("addl %1, %0" : "+r"(a) : "r"(b));
  return a;
}

int main(void) {
  __asm__ volatile("nop");
  printf("sum=%u\n", add_with_asm(40, 2));
  return 0;
}

// CHECK: sum=42
