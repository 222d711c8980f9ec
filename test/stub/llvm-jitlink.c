// Conformance: LLVM's own controller drives the stub. llvm-jitlink links
// this file's object into an executor made of the stub (reserve, finalize,
// dylib lookups, EH-frame and GDB registration) and runs its main there.
// With AUTOJIT_SANITIZE: its executor is linked by hand, without the sanitizer runtime.
// With LLVM 22: the stub speaks LLVM 19's executor protocol.
// UNSUPPORTED: sanitized-autojit, llvm-22
// RUN: %clang %inputs/stub-executor.c -L%libdir -lautojit-stub -rdynamic -pthread -o %t.exe
// RUN: %clang -O1 -c %s -o %t.o
// RUN: %python %inputs/exit_status.py llvm-jitlink -oop-executor=%t.exe %t.o | FileCheck %s
// CHECK: JIT'd main: 21 * 2 = 42
// CHECK-NEXT: exit status 42

#include <stdio.h>

static int twice(int x) { return 2 * x; }
int (*volatile twice_ptr)(int) = twice;

int main(void) {
  int result = twice_ptr(21);
  printf("JIT'd main: 21 * 2 = %d\n", result);
  fflush(stdout);
  return result;
}
