// Where the stub finds autojitd, and what it says when it cannot: a daemon
// path that names nothing, no autojitd on PATH, and no daemon listening when
// AUTOJITD_FORCE_DAEMON asks for one. Each: one line, exit status 1. A
// program that calls no lazy function never needs a daemon.
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clang -O0 -c %s -o %t.main.o
// RUN: %clang -O0 -c %autojit -DLAZY %s -o %t.lazy.o
// RUN: %clang %t.main.o %t.lazy.o -o %t.exe %rt
// RUN: env AUTOJIT_DAEMON_PATH=%t.nonexistent not %t.exe call > %t.out 2> %t.err
// RUN: count 0 < %t.out
// RUN: count 1 < %t.err
// RUN: FileCheck --check-prefix=DAEMON-PATH %s < %t.err
// RUN: env -u AUTOJIT_DAEMON_PATH PATH=%t.nonexistent not %t.exe call 2> %t.err
// RUN: count 1 < %t.err
// RUN: FileCheck --check-prefix=ON-PATH %s < %t.err
// RUN: env -u AUTOJITD_FORCE_SPAWN AUTOJITD_FORCE_DAEMON=1 AUTOJIT_SOCKET_PATH=%t.nosock not %t.exe call 2> %t.err
// RUN: count 1 < %t.err
// RUN: FileCheck --check-prefix=NO-DAEMON %s -DSOCK=%t.nosock < %t.err
// RUN: env AUTOJIT_DAEMON_PATH=%t.nonexistent %t.exe | FileCheck --check-prefix=UNUSED %s

#include <stdio.h>
#include <string.h>

#ifdef LAZY
int lazy_answer(void) { return 42; }
#else
int lazy_answer(void);
int main(int argc, char **argv) {
  if (argc > 1 && !strcmp(argv[1], "call"))
    printf("answer=%d\n", lazy_answer());
  else
    puts("no lazy call");
  return 0;
}
#endif

// DAEMON-PATH: {{^}}[autojit-stub] {{.*}}AUTOJIT_DAEMON_PATH{{.*}}
// ON-PATH: {{^}}[autojit-stub] cannot find autojitd on PATH; set AUTOJIT_DAEMON_PATH to the autojitd executable{{.*}}
// NO-DAEMON: {{^}}[autojit-stub] no autojitd is listening on [[SOCK]]; start autojitd or unset AUTOJITD_FORCE_DAEMON{{$}}
// UNUSED: no lazy call
