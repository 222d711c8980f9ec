// Files with thread-local variables are lazified: the variables stay in the
// program (and in the shared library that defines them), lazy code reaches
// each thread's copy through an accessor the static object defines, and
// every thread sees its own values, as in the regular build, at -O0 and -O2.
// RUN: rm -rf %t && mkdir -p %t
// RUN: export AUTOJIT_CACHE_DIR=%t/store
// RUN: %clang -O0 -fPIC -shared -DLIBRARY %s -o %t/libregular.so
// RUN: %clang -O0 %s -o %t/regular -L%t -lregular -Wl,-rpath,%t -pthread
// RUN: %t/regular > %t/regular.txt
// RUN: env AUTOJIT_DEBUG=1 %clang -O0 -g -fPIC -shared -DLIBRARY %autojit %s -o %t/libtls.so %rt 2>&1 | FileCheck %s --check-prefix=LIBRARY
// RUN: env AUTOJIT_DEBUG=1 %clang -O0 -g %autojit %s -o %t/tls0 -L%t -ltls -Wl,-rpath,%t %rt 2>&1 | FileCheck %s --check-prefix=PROGRAM
// RUN: %t/tls0 > %t/tls0.txt
// RUN: diff %t/regular.txt %t/tls0.txt
// RUN: %clang -O2 -g -fPIC -shared -DLIBRARY %autojit %s -o %t/libtls.so %rt
// RUN: %clang -O2 -g %autojit %s -o %t/tls2 -L%t -ltls -Wl,-rpath,%t %rt
// RUN: %t/tls2 > %t/tls2.txt
// RUN: diff %t/regular.txt %t/tls2.txt
// RUN: FileCheck %s --input-file %t/tls2.txt
// LIBRARY: lazy code reaches 1 thread-local variables through accessors
// LIBRARY: lazified library_bump
// PROGRAM: lazy code reaches 4 thread-local variables through accessors
// PROGRAM: lazified bump
// CHECK: thread 1: counter 6 sum 1 library 1
// CHECK: thread 3: counter 8 sum 6 library 3
// CHECK: main: counter 15 sum 23 library 10

#ifdef LIBRARY
_Thread_local int library_counter;
int library_bump(int n) {
  library_counter += n;
  return library_counter;
}
#else
#include <pthread.h>
#include <stdio.h>

extern _Thread_local int library_counter;
int library_bump(int n);

_Thread_local int counter = 5;
static _Thread_local long sum_here;
_Thread_local int table[4] = {1, 2, 3, 4};

int bump(int n) {
  for (int i = 0; i < n; i++) {
    counter++;
    sum_here += table[i & 3];
  }
  return counter;
}

long sum(void) { return sum_here; }

void *worker(void *arg) {
  long id = (long)arg;
  bump((int)id);
  library_bump((int)id);
  printf("thread %ld: counter %d sum %ld library %d\n", id, counter, sum(), library_counter);
  return 0;
}

int main(void) {
  for (long i = 1; i <= 3; i++) {
    pthread_t t;
    pthread_create(&t, 0, worker, (void *)i);
    pthread_join(t, 0);
  }
  bump(10);
  library_bump(10);
  printf("main: counter %d sum %ld library %d\n", counter, sum(), library_counter);
  return 0;
}
#endif
