// Lazy code finds the program's functions through the executable's symbol
// table. A stripped program has none: the run stops with one line that names
// the missing symbol and says what to do. Linking with -rdynamic exports the
// symbols, which then survive stripping.
// REQUIRES: inprocess
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clang -O0 %autojit %s -o %t.exe %rt
// RUN: llvm-strip %t.exe
// RUN: not %t.exe 2>&1 | FileCheck %s
// RUN: not %t.exe 2>&1 | count 1
// RUN: %clang -O0 %autojit %s -o %t.dyn.exe %rt -rdynamic
// RUN: llvm-strip %t.dyn.exe
// RUN: %t.dyn.exe | FileCheck --check-prefix=EXPORTED %s

#include <stdio.h>

int helper(int x) { return x + 1; }
int main(void) {
  printf("helper=%d\n", helper(41));
  return 0;
}

// CHECK: [autojit-inprocess] cannot link function main (GUID 0x{{[0-9a-f]+}}) from {{.*}}.bc: helper not found: {{.*}}stripped.c.tmp.exe has no symbol table (it was stripped), where lazy code finds the hidden and unexported definitions static code reached; keep the program's symbol table (do not strip it) or link it with -rdynamic
// EXPORTED: helper=42
