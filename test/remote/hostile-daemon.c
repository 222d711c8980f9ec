// A daemon that answers a materialize call with bodies the stub must not
// take: one linked with the function asked for but outside JIT'd code, or
// a list of them cut short. The program prints one line naming what was
// wrong and exits with status 1.
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: export AUTOJITD_FORCE_SPAWN=1
// RUN: %clang -O0 %autojit %s -o %t.exe -L%libdir -lautojit-stub -rdynamic -pthread
// RUN: env HOSTILE_DAEMON_CASE=linked-outside AUTOJIT_DAEMON_PATH=%inputs/hostile_daemon.py %python %inputs/exit_status.py %t.exe 2>&1 | FileCheck --check-prefix=OUTSIDE %s
// RUN: env HOSTILE_DAEMON_CASE=linked-truncated AUTOJIT_DAEMON_PATH=%inputs/hostile_daemon.py %python %inputs/exit_status.py %t.exe 2>&1 | FileCheck --check-prefix=TRUNCATED %s

#include <stdio.h>

int answer(void) { return 42; }
int main(void) {
  printf("answer=%d\n", answer());
  return 0;
}

// OUTSIDE-NOT: answer=
// OUTSIDE: {{^}}[autojit-stub] autojitd broke the protocol while materializing the function with GUID 0x{{[0-9a-f]+}}: materialize: a linked body outside JIT'd code; ending the session
// OUTSIDE-NEXT: exit status 1

// TRUNCATED-NOT: answer=
// TRUNCATED: {{^}}[autojit-stub] autojitd broke the protocol while materializing the function with GUID 0x{{[0-9a-f]+}}: materialize result: malformed message: {{.*}}; ending the session
// TRUNCATED-NEXT: exit status 1
