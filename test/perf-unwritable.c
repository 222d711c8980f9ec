// AUTOJIT_PERF never fails the program: where the jitdump cannot be written
// (JITDUMPDIR is a file here) the map still is, and the engine says why
// once (AUTOJIT_DEBUG), however many objects it links. The engine logs
// where it runs: with a shared standalone daemon, in that daemon's log.
// UNSUPPORTED: daemon
// RUN: rm -rf %t.store %t.file && touch %t.file
// RUN: %clang -O0 %autojit %s -o %t.exe %rt
// RUN: env AUTOJIT_CACHE_DIR=%t.store AUTOJIT_BATCH=1 AUTOJIT_PERF=1 AUTOJIT_DEBUG=1 JITDUMPDIR=%t.file %t.exe > %t.out 2> %t.log
// RUN: FileCheck %s < %t.log
// RUN: FileCheck --check-prefix=OUT %s < %t.out
// RUN: %python %inputs/perf_files.py map %t.out | FileCheck --check-prefix=MAP %s

#include <stdio.h>
#include <unistd.h>

__attribute__((noinline)) void *return_address(void) {
  return __builtin_return_address(0);
}

int lazy_work(int n) {
  printf("pid=%d pc=%p\n", (int)getpid(), return_address());
  return n + 1;
}

int main(void) {
  printf("result=%d\n", lazy_work(41));
  return 0;
}

// CHECK: perf: no jitdump: {{.*}}.file/.debug/jit: {{.*}}
// CHECK-NOT: perf:
// OUT: result=42
// MAP-DAG: map main size=ok
// MAP-DAG: map lazy_work size=ok pc
// MAP-DAG: map return_address size=ok
