// Non-local control flow through lazily compiled code: longjmp out of nested
// lazy calls, a lazy signal handler run by raise() (the runtime must not
// mistake it for a call made while compiling), and a fork whose child keeps
// materializing.
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clang -O0 -g %autojit %s -o %t.exe %rt
// RUN: %t.exe | FileCheck %s

#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static jmp_buf escape;
static volatile sig_atomic_t signals;

void deepest(int depth) {
  if (depth == 0)
    longjmp(escape, 42);
  deepest(depth - 1);
}

void on_signal(int sig) { signals += sig == SIGUSR1; }

int child_work(int x) { return x * 2 + 1; }

int main(void) {
  int value = setjmp(escape);
  if (value == 0)
    deepest(10);
  printf("longjmp: %d\n", value);

  signal(SIGUSR1, on_signal);
  raise(SIGUSR1);
  raise(SIGUSR1);
  printf("signals: %d\n", (int)signals);

  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    printf("child: %d\n", child_work(20));
    return 0;
  }
  int status = 0;
  waitpid(pid, &status, 0);
  printf("parent: child exited %d, own call %d\n", WEXITSTATUS(status), child_work(1));
  return 0;
}

// CHECK: longjmp: 42
// CHECK-NEXT: signals: 2
// CHECK-NEXT: child: 41
// CHECK-NEXT: parent: child exited 0, own call 3
