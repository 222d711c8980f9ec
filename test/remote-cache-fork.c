// Objects fetched from a team's store around a fork: the parent fetches
// (its writer thread keeps them locally), forks, the child fetches on its
// own connection and writes what it fetched itself, and both exit without
// waiting for a thread the child does not have. A run without the store
// then finds everything locally in both processes.
// REQUIRES: redis
// RUN: rm -rf %t && mkdir -p %t && cd %t
// RUN: %remote-store redis %t/redis
// RUN: %clang -O0 -g %autojit %s -o fork %rt
// RUN: ./fork > expected
// RUN: env AUTOJIT_CACHE_DIR=%t/writer AUTOJIT_BATCH=1 %remote-store with %t/redis -- ./fork > /dev/null
// RUN: env AUTOJIT_CACHE_DIR=%t/reader AUTOJIT_BATCH=1 AUTOJIT_STATS=1 timeout 60 %remote-store with %t/redis '|read-only' -- ./fork > out 2> log
// RUN: diff expected out
// RUN: FileCheck --check-prefix=FETCHED %s < log
// RUN: env AUTOJIT_CACHE_DIR=%t/reader AUTOJIT_BATCH=1 AUTOJIT_STATS=1 ./fork 2>&1 > /dev/null | FileCheck --check-prefix=LOCAL %s
// RUN: %remote-store stop %t/redis

#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

__attribute__((noinline)) int before_fork(int x) { return x + 1; }
__attribute__((noinline)) int in_child(int x) { return x * 3; }
__attribute__((noinline)) int after_fork(int x) { return x - 2; }

int main(void) {
  printf("parent %d\n", before_fork(41));
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    printf("child %d\n", in_child(14));
    return 0;
  }
  int status = 0;
  waitpid(child, &status, 0);
  printf("parent %d, child exited %d\n", after_fork(44), WEXITSTATUS(status));
  return 0;
}

// Each process prints its own stats line at exit, the child's first.
// FETCHED: stats: {{.*}} compiled=0 {{.*}} remote-hits={{[1-9]}}
// FETCHED: stats: {{.*}} compiled=0 {{.*}} remote-hits={{[1-9]}}
// LOCAL: stats: materialized={{[1-9]}} compiled=0 {{.*}} materialize-ms={{[0-9.]+$}}
// LOCAL: stats: materialized={{[1-9]}} compiled=0 {{.*}} materialize-ms={{[0-9.]+$}}
