// autojitd killed in the middle of a run, spawned by the program or
// standalone: the program's next materialization prints one line and the
// program exits with status 1, without hanging.
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// One function per object: else second() comes linked with main(), and its
// first call needs no daemon.
// RUN: export AUTOJIT_BATCH=1
// RUN: %clang -O0 %autojit %s -o %t.exe %rt
// RUN: %python %inputs/kill_daemon.py spawned %autojitd %sockdir/daemon-killed.sock %t.exe | FileCheck %s
// RUN: %python %inputs/kill_daemon.py standalone %autojitd %sockdir/daemon-killed.sock %t.exe | FileCheck %s

#include <stdio.h>

int first(void) { return 1; }
int second(void) { return 2; }
int main(void) {
  printf("first=%d\n", first());
  fflush(stdout);
  char line[16];
  if (!fgets(line, sizeof line, stdin))
    return 3;
  printf("second=%d\n", second());
  return 0;
}

// CHECK: first=1
// CHECK-NOT: second=
// CHECK: {{^}}[autojit-stub] {{.*}}autojitd{{.*}}
// CHECK-NOT: autojit
// CHECK: exit=1
