// The plugin runs at pipeline start at every -O level, for C and C++; the
// runtime optimizes lazy code at the level of the build.
// RUN: %clangxx -O0 %autojit %s -o %t.O0.exe %rt && %t.O0.exe | FileCheck %s
// RUN: %clangxx -O1 %autojit %s -o %t.O1.exe %rt && %t.O1.exe | FileCheck %s
// RUN: %clangxx -O2 %autojit %s -o %t.O2.exe %rt && %t.O2.exe | FileCheck %s
// RUN: %clangxx -O3 %autojit %s -o %t.O3.exe %rt && %t.O3.exe | FileCheck %s
// RUN: %clang -x c -O2 %autojit %inputs/lib-math.c -c -o %t.c.o
// RUN: llvm-nm %t.c.o | FileCheck --check-prefix=NM %s

#include <cstdio>
#include <vector>

template <typename T> T dot(const std::vector<T> &a, const std::vector<T> &b) {
  T s = 0;
  for (size_t i = 0; i < a.size(); i++)
    s += a[i] * b[i];
  return s;
}

int main() {
  std::vector<long> a(1000, 2), b(1000, 3);
  std::printf("dot=%ld\n", dot(a, b));
  return 0;
}

// CHECK: dot=6000
// NM: U __llvm_autojit_register
// NM: U __llvm_autojit_resolve
