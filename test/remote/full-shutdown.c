// AUTOJITD_FULL_SHUTDOWN=1: the program's exit waits until the daemon has
// torn its session down, so the daemon's log already says so when the
// program is gone.
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clang -O0 %autojit %s -o %t.exe %rt
// RUN: env AUTOJIT_DEBUG=1 AUTOJITD_FULL_SHUTDOWN=1 %python %inputs/with_daemon.py %autojitd %sockdir/full-shutdown.sock %t.log -- sh -c "%t.exe 2>/dev/null && grep -c 'session ended' %t.log" | FileCheck %s

#include <stdio.h>

int answer(void) { return 42; }
int main(void) {
  printf("answer=%d\n", answer());
  return 0;
}

// CHECK: answer=42
// CHECK-NEXT: {{^}}1{{$}}
