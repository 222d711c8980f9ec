// Hidden symbols (-fvisibility=hidden, and hidden functions whose address
// escapes) are invisible to dlsym; the module descriptor makes them
// findable, so lazy code still reaches them, with one address each.
// RUN: %clang -O0 -fvisibility=hidden %autojit %s -o %t.exe %rt
// RUN: %t.exe | FileCheck %s

#include <stdio.h>

int hidden_counter = 40;
int hidden_twice(int x) { return 2 * x; }
__attribute__((visibility("hidden"))) int explicitly_hidden(int x) { return x + hidden_counter; }
typedef int (*fn_t)(int);
fn_t pick(int which) { return which ? hidden_twice : explicitly_hidden; }

__attribute__((visibility("default"))) int main(void) {
  hidden_counter += 2;
  printf("twice=%d hidden=%d same=%d\n", pick(1)(21), pick(0)(0), pick(1) == hidden_twice);
  return 0;
}

// CHECK: twice=42 hidden=42 same=1
