// The object cache: a second run compiles nothing; after one function's body
// is edited and the program rebuilt, the next run compiles that function
// alone and takes the others from the first run's object (whose stale copy
// of the edited function is never called); AUTOJIT_DISABLE_OBJECT_CACHE=1
// compiles everything again.
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clang -O0 -g %autojit %s -o %t.exe %rt
// RUN: env AUTOJIT_STATS=1 %t.exe 2>&1 | FileCheck --check-prefix=COLD %s
// RUN: env AUTOJIT_STATS=1 %t.exe 2>&1 | FileCheck --check-prefix=WARM %s
// RUN: %clang -O0 -g %autojit -DEDITED %s -o %t.exe %rt
// The engine's log lines go to the daemon's log when a shared daemon serves.
// RUN: env AUTOJIT_STATS=1 AUTOJIT_DEBUG=1 %t.exe 2>&1 | FileCheck --check-prefixes=EDITED%if daemon %{%} %else %{,EDITED-LOG%} %s
// RUN: env AUTOJIT_STATS=1 AUTOJIT_DISABLE_OBJECT_CACHE=1 %t.exe 2>&1 | FileCheck --check-prefix=DISABLED %s

#include <stdio.h>

static int counter;
int unchanged_a(int x) { return x + counter++; }
int unchanged_b(int x) { return unchanged_a(x) * 2; }
#ifdef EDITED
int edited(int x) { return x - 1; }
#else
int edited(int x) { return x + 1; }
#endif

int main(void) {
  printf("result=%d\n", unchanged_b(1) + edited(10));
  return 0;
}

// COLD-DAG: result=13
// COLD-DAG: stats: materialized=4 compiled=4 cache-hits=0 modules-loaded=1 objects=1
// WARM-DAG: result=13
// WARM-DAG: stats: materialized=4 compiled=0 cache-hits=4 modules-loaded=0 objects=1
// EDITED-DAG: result=11
// EDITED-LOG-DAG: materialized edited (guid 0x{{[0-9a-f]+}}) at 0x{{[0-9a-f]+}}, compiled in
// EDITED-LOG-DAG: materialized unchanged_a (guid 0x{{[0-9a-f]+}}) at 0x{{[0-9a-f]+}}, from cache
// EDITED-LOG-DAG: one object for 3 functions, for main
// EDITED-DAG: stats: materialized=4 compiled=1 cache-hits=3 modules-loaded=1 objects=2
// DISABLED-DAG: result=11
// DISABLED-DAG: stats: materialized=4 compiled=4 cache-hits=0
