// A C file with a thread_local variable is compiled as if the plugin were not
// there: the objects with and without it are identical at -O0 -g and -O2, and
// with AUTOJIT_DEBUG=1 the plugin prints one line naming the variable.
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clang -O0 -g -c %s -o %t.ref.o
// RUN: env AUTOJIT_DEBUG=1 %clang -O0 -g %autojit -c %s -o %t.o 2> %t.err
// RUN: cmp %t.ref.o %t.o
// RUN: count 1 < %t.err
// RUN: FileCheck %s --input-file %t.err -DFILE=%s
// RUN: %clang -O2 -c %s -o %t.ref2.o
// RUN: env AUTOJIT_DEBUG=1 %clang -O2 %autojit -c %s -o %t2.o 2> %t2.err
// RUN: cmp %t.ref2.o %t2.o
// RUN: count 1 < %t2.err
// RUN: FileCheck %s --input-file %t2.err -DFILE=%s

// CHECK: {{^}}autojit-plugin: skipped module [[FILE]]: it uses the thread-local variable tls_counter{{$}}

static int calls;
_Thread_local int tls_counter;

int bump(void) {
  calls++;
  return ++tls_counter;
}

int twice(int x) { return 2 * x; }
