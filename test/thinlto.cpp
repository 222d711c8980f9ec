// ThinLTO: the pass runs in each file's pre-link compile, and trampolines
// are module assembly, which the link compiles as it is. What only lazy code
// refers to (a variable another file defines, a link-once function) is in
// llvm.compiler.used: the link sees no other reference (the link checks are
// assembly too) and would otherwise internalize or drop it. Full LTO would
// merge the files' trampolines into one module, each link-once one defined
// as often as files had it: under -flto a module stays regular, with a
// debug-log line saying why.
// REQUIRES: lld
// RUN: rm -rf %t && mkdir %t
// RUN: export AUTOJIT_CACHE_DIR=%t/store
// RUN: %clangxx -O0 -flto=thin %autojit -c %s -o %t/a0.o
// RUN: %clangxx -O0 -flto=thin %autojit -DOTHER -c %s -o %t/b0.o
// RUN: %clangxx -flto=thin -fuse-ld=lld %t/a0.o %t/b0.o -o %t/thin0 %rt
// RUN: env AUTOJIT_STATS=1 %t/thin0 2> %t/thin0.err | FileCheck %s
// RUN: FileCheck --check-prefix=LAZY %s < %t/thin0.err
// RUN: %clangxx -O2 -flto=thin %autojit -c %s -o %t/a2.o
// RUN: %clangxx -O2 -flto=thin %autojit -DOTHER -c %s -o %t/b2.o
// RUN: %clangxx -flto=thin -fuse-ld=lld %t/a2.o %t/b2.o -o %t/thin2 %rt
// RUN: env AUTOJIT_STATS=1 %t/thin2 2> %t/thin2.err | FileCheck %s
// RUN: FileCheck --check-prefix=LAZY %s < %t/thin2.err
// RUN: env AUTOJIT_DEBUG=1 %clangxx -O2 -flto %autojit -c %s -o %t/a.full.o 2>&1 | FileCheck --check-prefix=FULL %s -DFILE=%s
// RUN: %clangxx -O2 -flto %autojit -DOTHER -c %s -o %t/b.full.o
// RUN: %clangxx -flto -fuse-ld=lld %t/a.full.o %t/b.full.o -o %t/full %rt
// RUN: %t/full | FileCheck %s

// CHECK: hello 42 1 22
// LAZY: stats: materialized={{[1-9]}}
// FULL: autojit-plugin: skipped module [[FILE]]: it is built for full LTO (-flto)

#include <cstdio>

inline int bump() {
  static int calls;
  return ++calls;
}
template <typename T> T twice(T x) { return x + x; }

#ifdef OTHER
int counter = 40;
const char *greeting = "hello";
int other() { return twice(10) + bump(); }
#else
extern int counter;
extern const char *greeting;
int other();
int main() {
  counter += 2;
  std::printf("%s %d %d %d\n", greeting, counter, bump(), other());
  return 0;
}
#endif
