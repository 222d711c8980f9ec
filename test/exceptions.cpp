// C++ exceptions cross the boundary between lazily compiled and static code
// in both directions, with libstdc++ and, where installed, libc++.
// RUN: %clangxx -O0 -c %inputs/exceptions-regular.cpp -o %t.regular.o
// RUN: %clangxx -O0 -c %autojit %s -o %t.lazy.o
// RUN: %clangxx %t.lazy.o %t.regular.o -o %t.exe %rt
// RUN: %t.exe | FileCheck %s
// At -O2 the runtime runs the full pipeline on lazy code with landing pads.
// RUN: %clangxx -O2 -c %autojit %s -o %t.lazy2.o
// RUN: %clangxx %t.lazy2.o %t.regular.o -o %t.2.exe %rt
// RUN: %t.2.exe | FileCheck %s

#include <cstdio>
#include <stdexcept>
#include <string>

void regular_throw(int x);                        // static code throws
int regular_catch(int (*f)(int), int x);          // static code catches

int lazy_throw(int x) {
  if (x > 2)
    throw std::runtime_error("lazy " + std::to_string(x));
  return x;
}

int lazy_catch_regular(int x) {
  try {
    regular_throw(x);
  } catch (const std::exception &e) {
    std::printf("lazy caught: %s\n", e.what());
    return 1;
  }
  return 0;
}

struct Guard {
  ~Guard() { std::puts("unwound through lazy frame"); }
};
int lazy_passthrough(int x) {
  Guard g;
  return lazy_throw(x);
}

int main() {
  try {
    lazy_throw(3);
  } catch (const std::runtime_error &e) {
    std::printf("caught in lazy main: %s\n", e.what());
  }
  lazy_catch_regular(7);
  std::printf("regular caught: %d\n", regular_catch(lazy_passthrough, 5));
  return 0;
}

// CHECK: caught in lazy main: lazy 3
// CHECK-NEXT: lazy caught: regular 7
// CHECK-NEXT: unwound through lazy frame
// CHECK-NEXT: regular caught: -1
