// Many threads call the same functions before any of them is compiled: all
// get correct results and each function is compiled exactly once.
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clang -O0 %autojit %s -o %t.exe %rt
// RUN: env AUTOJIT_STATS=1 %t.exe 2>&1 | FileCheck %s

#include <pthread.h>
#include <stdio.h>

#define THREADS 16
static pthread_barrier_t start;

long work_a(long x) { return x * 3; }
long work_b(long x) { return work_a(x) + 1; }
long work_c(long x) { return work_b(x) * 2; }

void *worker(void *arg) {
  long id = (long)arg;
  pthread_barrier_wait(&start);
  long r = 0;
  for (int i = 0; i < 1000; i++)
    r += work_c(id) + work_a(i);
  return (void *)r;
}

int main(void) {
  pthread_t t[THREADS];
  pthread_barrier_init(&start, NULL, THREADS);
  for (long i = 0; i < THREADS; i++)
    pthread_create(&t[i], NULL, worker, (void *)i);
  long total = 0;
  for (int i = 0; i < THREADS; i++) {
    void *r;
    pthread_join(t[i], &r);
    total += (long)r;
  }
  printf("total=%ld\n", total);
  return 0;
}

// 16 threads x 1000 x (6*id + 2) summed, plus 16 x sum(3*i for i < 1000).
// CHECK-DAG: total=24728000
// main, worker, work_a, work_b, work_c: five functions, five compilations.
// CHECK-DAG: stats: materialized=5 compiled=5 cache-hits=0
