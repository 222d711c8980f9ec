// One standalone daemon serves many programs at once, each in a session of
// its own, with the settings each program has: its store (object cache) and
// its debug flag, whose engine lines go to the daemon's log.
// RUN: rm -rf %t.store %t.other
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clang -O0 %autojit %s -o %t.exe %rt
// RUN: %python %inputs/with_daemon.py %autojitd %sockdir/standalone.sock %t.log -- %python %inputs/run_concurrently.py 6 %t.exe | FileCheck --check-prefix=RUNS %s
// RUN: env AUTOJIT_CACHE_DIR=%t.other AUTOJIT_STATS=1 AUTOJIT_DEBUG=1 %python %inputs/with_daemon.py %autojitd %sockdir/standalone.sock %t.log -- %t.exe 2>&1 | FileCheck --check-prefix=OTHER %s
// RUN: FileCheck --check-prefix=LOG %s < %t.log
// RUN: test -d %t.other/objects

#include <stdio.h>

long cube(long x) { return x * x * x; }
long sum_cubes(int n) {
  long s = 0;
  for (int i = 1; i <= n; i++)
    s += cube(i);
  return s;
}
int main(void) {
  printf("sum=%ld\n", sum_cubes(10));
  return 0;
}

// RUNS-COUNT-6: sum=3025
// OTHER-DAG: sum=3025
// OTHER-DAG: [autojit-stub] stats: materialized=3 compiled=3 cache-hits=0
// LOG: [autojitd] session 1 (pid {{[0-9]+}}): session started
// LOG: [autojitd] session 1 (pid {{[0-9]+}}): registered {{.*}}/modules/standalone-{{[0-9a-f]+}}.bc (3 functions)
// LOG: [autojitd] materialized main (guid 0x{{[0-9a-f]+}}) at 0x{{[0-9a-f]+}}, compiled in {{[0-9.]+}} ms
