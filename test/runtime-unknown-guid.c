// A call of __llvm_autojit_materialize with a GUID that no registered module
// defines, from a file built without the plugin: one line naming the GUID and
// telling to rebuild, and a non-zero exit. Once with no lazy module in the
// program, once with one registered.
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clang -O0 %s -o %t.exe %rt
// RUN: not %t.exe > %t.out 2> %t.err
// RUN: count 0 < %t.out
// RUN: count 1 < %t.err
// RUN: FileCheck %s --input-file %t.err -DRT=%rtprefix
// RUN: %clang -O0 %autojit -c %inputs/lazy-other.c -o %t.other.o
// RUN: %clang -O0 %s %t.other.o -o %t.with-module.exe %rt
// RUN: not %t.with-module.exe > %t.out 2> %t.err
// RUN: count 0 < %t.out
// RUN: count 1 < %t.err
// RUN: FileCheck %s --input-file %t.err -DRT=%rtprefix

#include <stdint.h>
#include <stdio.h>

void *__llvm_autojit_materialize(uint64_t guid, const void *function);

void ask_for_unknown_function(void) {
  void *body = __llvm_autojit_materialize(0x0123456789abcdefULL, (const void *)ask_for_unknown_function);
  printf("materialize returned %p\n", body);
}

int main(void) {
  ask_for_unknown_function();
  return 0;
}

// CHECK: {{^}}[[RT]] cannot materialize {{.*}}GUID 0x0123456789abcdef{{.*}}: no registered lazy module defines it; rebuild the program{{.*$}}
