// A stripped program keeps its exported symbols (-rdynamic), but not the
// hidden ones lazy code finds in its symbol table, such as glibc's atexit:
// the run stops with one line that names the symbol and says the program
// was stripped.
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clang -O0 %autojit %s -o %t.exe %rt -rdynamic
// RUN: llvm-strip %t.exe
// RUN: not %t.exe 2>&1 | FileCheck -DPREFIX=%rtprefix %s
// RUN: not %t.exe 2>&1 | count 1

#include <stdio.h>
#include <stdlib.h>

static void bye(void) {}
int helper(int x) { return x + 1; }
int main(void) {
  printf("helper=%d\n", helper(41));
  return atexit(bye);
}

// CHECK: [[PREFIX]] cannot link function main (GUID 0x{{[0-9a-f]+}}) from {{.*}}.bc: atexit not found: {{.*}}stripped-hidden.c.tmp.exe has no symbol table (it was stripped), where lazy code finds the hidden and unexported definitions static code reached; keep the program's symbol table (do not strip it) or link it with -rdynamic
