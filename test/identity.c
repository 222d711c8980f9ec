// Function pointers and globals have one identity: the address of a lazified
// function, of a promoted static function and of a global is the same in
// static code (a regular translation unit) and in lazily compiled code.
// RUN: %clang -O0 -c %inputs/identity-regular.c -o %t.regular.o
// RUN: %clang -O0 -c %autojit %s -o %t.lazy.o
// RUN: %clang %t.lazy.o %t.regular.o -o %t.exe %rt
// RUN: %t.exe | FileCheck %s

#include <stdio.h>

typedef int (*fn_t)(int);
int global_counter = 5;
static int static_counter;
static int local_callback(int x) { return x + static_counter; }
int lazy_square(int x) { return x * x; }

// Defined in the regular translation unit.
fn_t regular_get_square(void);
int *regular_get_counter(void);
int regular_call(fn_t f, int x);

fn_t get_local_callback(void) { return local_callback; }
int *get_static_counter(void) { return &static_counter; }

int main(void) {
  printf("square same: %d\n", regular_get_square() == lazy_square);
  printf("global same: %d\n", regular_get_counter() == &global_counter);
  *get_static_counter() = 10;
  printf("static shared: %d\n", local_callback(1));
  printf("callback same: %d\n", get_local_callback() == local_callback);
  printf("through regular: %d\n", regular_call(get_local_callback(), 2));
  global_counter++;
  printf("global value: %d\n", *regular_get_counter());
  return 0;
}

// CHECK: square same: 1
// CHECK-NEXT: global same: 1
// CHECK-NEXT: static shared: 11
// CHECK-NEXT: callback same: 1
// CHECK-NEXT: through regular: 12
// CHECK-NEXT: global value: 6
