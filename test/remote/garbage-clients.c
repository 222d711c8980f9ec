// A standalone daemon serves each program in a session of its own: clients
// that send garbage, a setup message with a page size of 0, announce a huge
// message, die in the middle of one, or send nothing at all end only their
// own session, with a line in the daemon's log, while programs before and
// after them are served.
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clang -O0 %autojit %s -o %t.exe %rt
// RUN: %python %inputs/with_daemon.py %autojitd %sockdir/garbage-clients.sock %t.log -- %python %inputs/garbage_clients.py %sockdir/garbage-clients.sock %t.exe | FileCheck %s
// RUN: FileCheck --check-prefix=LOG %s < %t.log

#include <stdio.h>

int twice(int x) { return 2 * x; }
int main(void) {
  printf("twice=%d\n", twice(21));
  return 0;
}

// CHECK: before: twice=42
// CHECK: after: twice=42
// LOG-DAG: [autojitd] session {{[0-9]+}} (pid {{[0-9]+}}): cannot start a session: {{.*}}malformed message: unknown opcode{{.*}}
// LOG-DAG: [autojitd] session {{[0-9]+}} (pid {{[0-9]+}}): cannot start a session: {{.*}}over the 1 GiB limit{{.*}}
// LOG-DAG: [autojitd] session {{[0-9]+}} (pid {{[0-9]+}}): cannot start a session: {{.*}}setup message gives a page size of 0{{.*}}
// LOG-DAG: [autojitd] session {{[0-9]+}} (pid {{[0-9]+}}): cannot start a session: {{.*}}the program sent no setup message within 10 s{{.*}}
// LOG-DAG: [autojitd] session {{[0-9]+}} (pid {{[0-9]+}}): cannot start a session: {{.*}}in the middle of a message{{.*}}
