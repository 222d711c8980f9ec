// Aliases of lazified functions: IR cannot point an alias at the declaration
// a lazified function becomes, so each alias becomes assembly too, with its
// own binding and visibility: clang's complete constructor and destructor
// (C1, D1, the vtable's entry) aliasing the base ones (C2, D2), a global, a
// hidden and a local alias, and a weak alias that a strong definition in
// another file overrides, for static and lazy callers alike. Static code (a
// dynamic initializer, which stays in the program) and lazy code see the
// same addresses.
// RUN: rm -rf %t && mkdir %t
// RUN: export AUTOJIT_CACHE_DIR=%t/store
// RUN: %clangxx -O0 %autojit -c %s -o %t/a.o
// RUN: %clangxx -O0 %autojit -DOVERRIDE -c %s -o %t/b.o
// RUN: llvm-objdump -t %t/a.o | FileCheck --check-prefix=SYM %s
// RUN: %clangxx %t/a.o %t/b.o -o %t/O0 %rt
// RUN: %t/O0 | FileCheck %s
// RUN: %clangxx -O2 %autojit -c %s -o %t/a2.o
// RUN: %clangxx -O2 %autojit -DOVERRIDE -c %s -o %t/b2.o
// RUN: %clangxx %t/a2.o %t/b2.o -o %t/O2 %rt
// RUN: %t/O2 | FileCheck %s

#include <cstdio>

#ifdef OVERRIDE
extern "C" int overridable(int x) { return x + 1000; }
#else
struct Counter {
  int v;
  explicit Counter(int x);
  virtual ~Counter();
};
Counter::Counter(int x) : v(x) {}
Counter::~Counter() { std::printf("~Counter %d\n", v); }

extern "C" int target(int x) { return x * 10; }
extern "C" int global_alias(int) __attribute__((alias("target")));
extern "C" int hidden_alias(int) __attribute__((alias("target"), visibility("hidden")));
static int local_alias(int) __attribute__((alias("target")));
extern "C" int overridable(int) __attribute__((weak, alias("target")));

using fn = int (*)(int);
// Addresses in static data (relocations) and from a dynamic initializer;
// volatile, or clang folds comparisons of distinct declarations.
static fn volatile static_addresses[] = {&target, &global_alias, &hidden_alias, &local_alias,
                                         &overridable};
static int static_overridden = overridable(1);

int main() {
  {
    Counter c(7);
    Counter *heap = new Counter(8);
    delete heap;
  }
  std::printf("%d %d %d %d\n", target(1), global_alias(2), hidden_alias(3), local_alias(4));
  std::printf("overridden: static %d lazy %d\n", static_overridden, overridable(1));
  fn volatile lazy_addresses[] = {&target, &global_alias, &hidden_alias, &local_alias,
                                  &overridable};
  for (int i = 0; i < 5; i++)
    std::printf("%d", static_addresses[i] == lazy_addresses[i]);
  std::printf(" aliases:");
  for (int i = 1; i < 5; i++)
    std::printf(" %d", lazy_addresses[i] == lazy_addresses[0]);
  std::printf("\n");
  return 0;
}
#endif

// CHECK: ~Counter 8
// CHECK-NEXT: ~Counter 7
// CHECK-NEXT: 10 20 30 40
// CHECK-NEXT: overridden: static 1001 lazy 1001
// CHECK-NEXT: 11111 aliases: 1 1 1 0

// An alias has its target's address, section, size and type.
// SYM-DAG: [[CTOR:[0-9a-f]+]] g     F .text	[[SIZE:0000000000000013]] _ZN7CounterC2Ei{{$}}
// SYM-DAG: [[CTOR]] g     F .text	[[SIZE]] _ZN7CounterC1Ei{{$}}
// SYM-DAG: [[DTOR:[0-9a-f]+]] g     F .text	[[SIZE]] _ZN7CounterD2Ev{{$}}
// SYM-DAG: [[DTOR]] g     F .text	[[SIZE]] _ZN7CounterD1Ev{{$}}
// SYM-DAG: [[TARGET:[0-9a-f]+]] g     F .text	[[SIZE]] target{{$}}
// SYM-DAG: [[TARGET]] g     F .text	[[SIZE]] global_alias{{$}}
// SYM-DAG: [[TARGET]] g     F .text	[[SIZE]] .hidden hidden_alias{{$}}
// SYM-DAG: [[TARGET]] l     F .text	[[SIZE]] _ZL11local_aliasi{{$}}
// SYM-DAG: [[TARGET]]  w    F .text	[[SIZE]] overridable{{$}}
