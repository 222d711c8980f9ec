// Tiers across fork: the parent's function turns hot, then a child runs
// the same code and reports its own hot functions to a background thread
// (in process) or a session (remote) of its own; both print what the
// regular build prints, and each exit finishes its own work.
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clang -O2 -g %s -o %t.regular
// RUN: %t.regular > %t.expected
// RUN: %clang -O2 -g %autojit %s -o %t.exe %rt
// RUN: %t.exe > %t.out
// RUN: diff %t.expected %t.out
// RUN: %t.exe > %t.out
// RUN: diff %t.expected %t.out

#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

__attribute__((noinline)) long mix(long x) { return (x * 31 + 7) % 100003; }
__attribute__((noinline)) long fold(long x) { return (x ^ (x >> 3)) % 99991; }

static long run(long (*f)(long), long x, int n) {
  for (int i = 0; i < n; i++)
    x = f(x);
  return x;
}

int main(void) {
  long parent = run(mix, 1, 200000);
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    // The parent's hot function, and one of the child's own.
    printf("child: %ld %ld\n", run(mix, parent, 200000), run(fold, parent, 200000));
    return 0;
  }
  int status = 0;
  waitpid(child, &status, 0);
  printf("parent: %ld, child exited %d\n", run(fold, parent, 200000), WEXITSTATUS(status));
  return 0;
}
