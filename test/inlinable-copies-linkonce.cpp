// A link-once function with an inlinable copy (a template) that lazy code
// still refers to after optimization, here by its address, is kept in the
// program, whose linker would otherwise drop a trampoline no static code
// uses.
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clangxx -O2 %autojit %s -o %t.exe %rt
// RUN: %t.exe | FileCheck %s

#include <cstdio>

template <int N> int add(int x) { return x + N; }

int (*volatile chosen)(int);

int main() {
  chosen = &add<3>;
  std::printf("%d\n", chosen(4));
  return 0;
}

// CHECK: 7
