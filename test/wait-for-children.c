// A program that forks and then waits for all of its children returns once
// they are done: a daemon the stub spawned is not one of its children.
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clang -O0 %autojit %s -o %t.exe %rt
// RUN: %t.exe | FileCheck %s

#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int child_status(void) { return 7; }

int main(void) {
  fflush(stdout);
  if (fork() == 0)
    _exit(child_status());
  int status, children = 0, sevens = 0;
  while (wait(&status) > 0) {
    children++;
    sevens += WIFEXITED(status) && WEXITSTATUS(status) == 7;
  }
  printf("children=%d sevens=%d\n", children, sevens);
  return 0;
}

// CHECK: children=1 sevens=1
