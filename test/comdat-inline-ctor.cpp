// Two translation units that each construct a global of a class with an
// inline constructor. At -O2 the constructor (a COMDAT, link-once function)
// is inlined into each static initializer; whatever the static code keeps of
// a lazified COMDAT function must belong to the COMDAT group it is in, or
// the linker discards it while the other translation unit still refers to it.
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clangxx -O0 %autojit -c %s -o %t.a.O0.o
// RUN: %clangxx -O0 %autojit -c %inputs/comdat-inline-ctor-other.cpp -o %t.b.O0.o
// RUN: %clangxx %t.a.O0.o %t.b.O0.o -o %t.O0 %rt
// RUN: %t.O0 | FileCheck %s
// RUN: %clangxx -O2 %autojit -c %s -o %t.a.O2.o
// RUN: %clangxx -O2 %autojit -c %inputs/comdat-inline-ctor-other.cpp -o %t.b.O2.o
// RUN: %clangxx %t.a.O2.o %t.b.O2.o -o %t.O2 %rt
// RUN: %t.O2 | FileCheck %s
// Either order on the link line.
// RUN: %clangxx %t.b.O2.o %t.a.O2.o -o %t.O2.reversed %rt
// RUN: %t.O2.reversed | FileCheck %s

#include <cstdio>

struct S {
  int v;
  S(int x) : v(x * 2) {}
};

S a_global(1);
int other_value();
int make_local(int x) { return S(x).v; }

int main() {
  std::printf("a=%d b=%d local=%d\n", a_global.v, other_value(), make_local(50));
  return 0;
}

// CHECK: a=2 b=40 local=100
