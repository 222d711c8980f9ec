// glibc links atexit and pthread_atfork into every program from
// libc_nonshared.a as hidden symbols: they are in no dynamic symbol table,
// only in the executable's own (lld makes them LOCAL HIDDEN; GNU ld LOCAL
// DEFAULT after an unnamed FILE symbol, or GLOBAL HIDDEN when the program
// exports nothing). Lazy code finds them there, as the static link did.
// RUN: %clang -O0 %autojit %s -o %t.exe %rt
// RUN: readelf -sW %t.exe | FileCheck --check-prefix=BFD %s
// RUN: readelf --dyn-syms -W %t.exe | FileCheck --check-prefix=DYN %s
// RUN: %t.exe | FileCheck %s
// RUN: %if lld %{ %clang -O0 -fuse-ld=lld %autojit %s -o %t.lld.exe %rt %}
// RUN: %if lld %{ readelf -sW %t.lld.exe | FileCheck --check-prefix=LLD %s %}
// RUN: %if lld %{ %t.lld.exe | FileCheck %s %}

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static int prepared, in_parent, in_child;
static void bye(void) { puts("atexit handler ran"); }
static void prepare(void) { prepared = 1; }
static void parent(void) { in_parent = 1; }
static void child(void) { in_child = 1; }

int main(void) {
  if (atexit(bye) != 0 || pthread_atfork(prepare, parent, child) != 0)
    return 1;
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0)
    _exit(in_child ? 42 : 1);
  int status = 0;
  waitpid(pid, &status, 0);
  printf("prepare=%d parent=%d child=%d\n", prepared, in_parent,
         WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  return 0;
}

// CHECK: prepare=1 parent=1 child=42
// CHECK-NEXT: atexit handler ran

// BFD-DAG: {{(LOCAL +DEFAULT|GLOBAL +HIDDEN|WEAK +HIDDEN) +[0-9]+ atexit$}}
// BFD-DAG: {{(LOCAL +DEFAULT|GLOBAL +HIDDEN|WEAK +HIDDEN) +[0-9]+ pthread_atfork$}}
// LLD-DAG: {{LOCAL +HIDDEN +[0-9]+ atexit$}}
// LLD-DAG: {{LOCAL +HIDDEN +[0-9]+ pthread_atfork$}}
// DYN-NOT: {{ (atexit|pthread_atfork)$}}
