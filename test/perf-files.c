// AUTOJIT_PERF=1: the program's perf map (/tmp/perf-<pid>.map) names each
// lazily compiled function at its address, with its size, and its jitdump
// (under $JITDUMPDIR/.debug/jit) has a code load per function, after the
// function's line table: in every mode for the program's pid (in remote
// mode autojitd writes them), for code compiled in this run and code
// linked from the object cache alike. `pc` is an address in lazy_work's
// compiled body, which the program prints.
// RUN: rm -rf %t.store %t.jit
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clang -O0 -g %autojit %s -o %t.exe %rt
// RUN: env AUTOJIT_PERF=1 JITDUMPDIR=%t.jit %t.exe > %t.cold
// RUN: %python %inputs/perf_files.py map %t.cold | FileCheck --check-prefix=MAP %s
// RUN: %python %inputs/perf_files.py jitdump %t.cold %t.jit | FileCheck --check-prefix=JITDUMP %s
// The second run links the cached object.
// RUN: env AUTOJIT_PERF=on AUTOJIT_STATS=1 JITDUMPDIR=%t.jit %t.exe > %t.warm 2> %t.warm.stats
// RUN: FileCheck --check-prefix=WARM %s < %t.warm.stats
// RUN: %python %inputs/perf_files.py map %t.warm | FileCheck --check-prefix=MAP %s
// RUN: %python %inputs/perf_files.py jitdump %t.warm %t.jit | FileCheck --check-prefix=JITDUMP %s
// Without the variable there is no map.
// RUN: %t.exe > %t.off
// RUN: %python %inputs/perf_files.py map %t.off | FileCheck --check-prefix=OFF %s

#include <stdio.h>
#include <unistd.h>

__attribute__((noinline)) void *return_address(void) {
  return __builtin_return_address(0);
}

int lazy_work(int n) {
  int sum = 0;
  for (int i = 0; i < n; i++)
    sum += i; // JITDUMP-DAG: lines lazy_work {{.*}}perf-files.c:[[@LINE]]{{$| }}
  printf("pid=%d pc=%p\n", (int)getpid(), return_address());
  return sum;
}

int main(void) {
  printf("sum=%d\n", lazy_work(10));
  return 0;
}

// MAP-DAG: map main size=ok
// MAP-DAG: map lazy_work size=ok pc
// MAP-DAG: map return_address size=ok
// JITDUMP-DAG: header magic=4a695444 version=1 mach=62 pid=ok
// JITDUMP-DAG: load main size=ok code=ok
// JITDUMP-DAG: load lazy_work size=ok code=ok pc
// JITDUMP-DAG: load return_address size=ok code=ok
// WARM: stats: materialized=3 compiled=0 cache-hits=3
// OFF: no perf map
