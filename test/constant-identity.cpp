// A constant whose address the program can observe exists once, as in a
// regular build: a literal that static code refers to (here the initializer
// of T::s, and a static initializer), or that two functions use, is
// promoted, and lazy code refers to the program's copy. A literal that only
// one lazified function uses is copied into its body.
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clangxx -O0 %s -o %t.regular && %t.regular > %t.expected
// RUN: FileCheck %s < %t.expected
// RUN: env AUTOJIT_DEBUG=1 %clangxx -O0 %autojit -c %s -o %t.O0.o 2> %t.O0.log
// RUN: FileCheck --check-prefixes=LOG,LOG-NOT %s < %t.O0.log
// RUN: FileCheck --check-prefix=LAZY %s < %t.store/modules/constant-identity.ll
// RUN: %clangxx %t.O0.o -o %t.O0 %rt && %t.O0 > %t.O0.out
// RUN: diff %t.expected %t.O0.out
// RUN: %clangxx -O2 %autojit -c %s -o %t.O2.o
// RUN: %clangxx %t.O2.o -o %t.O2 %rt && %t.O2 > %t.O2.out
// RUN: diff %t.expected %t.O2.out

#include <cstdio>

struct T {
  static const char *const s;
};
const char *const T::s = "01234";

// Clang folds T::s into these bodies: they use the literal itself.
const char *first() { return T::s; }
const char *second() { return T::s; }

// Tag strings compared by address.
const char *tag_a() { return "tag"; }
const char *tag_b() { return "tag"; }

// A static initializer stays in the program.
static const char *const initialized = [] { return "init"; }();
const char *init_tag() { return "init"; }

// Only this function uses this literal.
const char *only_here() { return "alone"; }

int main() {
  std::printf("first==second %d\n", first() == second());
  std::printf("first==T::s %d\n", first() == T::s);
  std::printf("tags %d\n", tag_a() == tag_b());
  std::printf("init %d\n", init_tag() == initialized);
  std::printf("%s %s %s %s\n", first(), tag_a(), init_tag(), only_here());
  return 0;
}

// CHECK: first==second 1
// CHECK-NEXT: first==T::s 1
// CHECK-NEXT: tags 1
// CHECK-NEXT: init 1
// CHECK-NEXT: 01234 tag init alone

// LOG-DAG: autojit-plugin: promoted .str to .str.autojit.
// LOG-DAG: autojit-plugin: promoted .str.1 to .str.1.autojit.
// LOG-DAG: autojit-plugin: promoted .str.2 to .str.2.autojit.
// LOG-NOT-NOT: promoted .str.3 to

// LAZY: @.str.3 = private unnamed_addr constant [6 x i8] c"alone\00"
