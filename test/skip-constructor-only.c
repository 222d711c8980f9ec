// A module whose only functions are a constructor and the static helper it
// calls has nothing to lazify: it is left untouched.
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clang -O0 -c %s -o %t.plain.o
// RUN: env AUTOJIT_DEBUG=1 %clang -O0 %autojit -c %s -o %t.o 2> %t.err
// RUN: cmp %t.plain.o %t.o
// RUN: FileCheck %s --input-file %t.err -DFILE=%s

// CHECK: autojit-plugin: skipped module [[FILE]]: it defines no function to lazify

static int ready;
static void helper(void) { ready = 1; }
__attribute__((constructor)) static void init(void) { helper(); }
