// Many processes materializing the same functions at once share one object
// cache: every run is correct, and the cache is left with whole objects only
// (written to a temporary and renamed), which a later run uses.
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clang -O0 %autojit %s -o %t.exe %rt
// RUN: %python %inputs/run_concurrently.py 8 %t.exe | FileCheck --check-prefix=RUNS %s
// RUN: env AUTOJIT_STATS=1 %t.exe 2>&1 | FileCheck --check-prefix=AFTER %s

#include <stdio.h>

long square(long x) { return x * x; }
long sum_squares(int n) {
  long s = 0;
  for (int i = 1; i <= n; i++)
    s += square(i);
  return s;
}
int main(void) {
  printf("sum=%ld\n", sum_squares(100));
  return 0;
}

// RUNS-COUNT-8: sum=338350
// AFTER-DAG: sum=338350
// AFTER-DAG: stats: materialized=3 compiled=0 cache-hits=3
