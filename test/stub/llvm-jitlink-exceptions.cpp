// Conformance: a C++ exception thrown in one JIT'd function and caught in
// another, through a third: the stub registered the object's EH frames with
// the unwinder. The executor is linked as C++, so libstdc++ is in it.
// With AUTOJIT_SANITIZE: its executor is linked by hand, without the sanitizer runtime.
// With LLVM 22: the stub speaks LLVM 19's executor protocol.
// UNSUPPORTED: sanitized-autojit, llvm-22
// RUN: %clang -c %inputs/stub-executor.c -o %t.executor.o
// RUN: %clangxx %t.executor.o -L%libdir -lautojit-stub -rdynamic -pthread -o %t.exe
// RUN: %clangxx -O1 -c %s -o %t.o
// RUN: %python %inputs/exit_status.py llvm-jitlink -oop-executor=%t.exe %t.o | FileCheck %s
// CHECK: caught: 6 is too big
// CHECK-NEXT: exit status 7

#include <cstdio>
#include <stdexcept>
#include <string>

__attribute__((noinline)) int check(int x) {
  if (x > 1)
    throw std::runtime_error(std::to_string(x) + " is too big");
  return x;
}

__attribute__((noinline)) int middle(int x) { return check(x) + 1; }

int (*volatile middle_ptr)(int) = middle;

int main() {
  try {
    middle_ptr(6);
  } catch (const std::exception &e) {
    std::printf("caught: %s\n", e.what());
    std::fflush(stdout);
    return 7;
  }
  return 0;
}
