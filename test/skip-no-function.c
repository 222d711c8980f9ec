// A C file that defines no function (only declarations and global variables)
// is compiled as if the plugin were not there: the objects with and without
// it are identical, and with AUTOJIT_DEBUG=1 the plugin prints one line.
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clang -O0 -g -c %s -o %t.ref.o
// RUN: env AUTOJIT_DEBUG=1 %clang -O0 -g %autojit -c %s -o %t.o 2> %t.err
// RUN: cmp %t.ref.o %t.o
// RUN: count 1 < %t.err
// RUN: FileCheck %s --input-file %t.err -DFILE=%s

// CHECK: {{^}}autojit-plugin: skipped module [[FILE]]: it defines no function to lazify{{$}}

extern int external_fn(int);
extern int external_var;
int table[4] = {1, 2, 3, 4};
static const char *const greeting = "hello";
const char *const *greeting_ptr = &greeting;
int (*fn_ptr)(int) = external_fn;
