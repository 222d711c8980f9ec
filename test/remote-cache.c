// A team's store behind the object cache (AUTOJIT_REMOTE_CACHE, here a real
// Redis): a second checkout at another path, its local cache empty,
// compiles nothing the first one ran, fetches it, and prints the same; its
// next run needs nothing from the store. A read-only client compiles what
// the store lacks and writes nothing back.
// REQUIRES: redis
// RUN: rm -rf %t && mkdir -p %t/one %t/two/deeper
// RUN: %remote-store redis %t/redis
// RUN: cp %s %t/one/team.c && cp %s %t/two/deeper/team.c
// RUN: cd %t/one && %clang -O0 -g -ffile-prefix-map=%t/one=. %autojit team.c -o team %rt
// RUN: cd %t/two/deeper && %clang -O0 -g -ffile-prefix-map=%t/two/deeper=. %autojit team.c -o team %rt
// RUN: cd %t/one && env AUTOJIT_CACHE_DIR=%t/cache-one AUTOJIT_STATS=1 %remote-store with %t/redis -- ./team > one.out 2> one.log
// RUN: FileCheck --check-prefix=FILL %s < one.log
// RUN: cd %t/two/deeper && env AUTOJIT_CACHE_DIR=%t/cache-two AUTOJIT_STATS=1 %remote-store with %t/redis '|read-only' -- ./team > two.out 2> two.log
// RUN: FileCheck --check-prefix=FETCH %s < two.log
// RUN: diff %t/one/one.out %t/two/deeper/two.out
// RUN: cd %t/two/deeper && env AUTOJIT_CACHE_DIR=%t/cache-two AUTOJIT_STATS=1 %remote-store with %t/redis -- ./team 2>&1 > /dev/null | FileCheck --check-prefix=LOCAL %s
// RUN: cd %t/two/deeper && %clang -O0 -g -ffile-prefix-map=%t/two/deeper=. -DEDITED %autojit team.c -o edited %rt
// RUN: cd %t/two/deeper && env AUTOJIT_CACHE_DIR=%t/cache-two AUTOJIT_STATS=1 %remote-store with %t/redis '|read-only' -- ./edited 2>&1 > /dev/null | FileCheck --check-prefix=READ-ONLY %s
// Checkouts (a .git at their root) built as they are: the second fetches
// the first one's object, moves its paths to itself, and keeps it; its next
// run finds it here, paths already moved.
// RUN: mkdir %t/one/.git %t/two/deeper/.git
// RUN: %remote-store flush %t/redis
// RUN: cd %t/one && %clang -O0 -g %autojit team.c -o rooted %rt
// RUN: cd %t/two/deeper && %clang -O0 -g %autojit team.c -o rooted %rt
// RUN: cd %t/one && env AUTOJIT_CACHE_DIR=%t/rooted-one AUTOJIT_STATS=1 %remote-store with %t/redis -- ./rooted 2>&1 > /dev/null | FileCheck --check-prefix=FILL %s
// RUN: cd %t/two/deeper && env AUTOJIT_CACHE_DIR=%t/rooted-two AUTOJIT_STATS=1 AUTOJIT_DEBUG=1 %remote-store with %t/redis '|read-only' -- ./rooted > rooted.out 2> rooted.log
// RUN: FileCheck --check-prefixes=FETCH%if daemon %{%} %else %{,MOVED%} -DT=%t %s < rooted.log
// RUN: diff %t/one/one.out %t/two/deeper/rooted.out
// RUN: cd %t/two/deeper && env AUTOJIT_CACHE_DIR=%t/rooted-two AUTOJIT_STATS=1 AUTOJIT_DEBUG=1 %remote-store with %t/redis -- ./rooted 2>&1 > /dev/null | FileCheck --check-prefix=LOCAL-AGAIN %s
// RUN: %remote-store stop %t/redis

#include <stdio.h>

static int twice(int x) { return 2 * x; }

__attribute__((noinline)) int add_twice(int a, int b) {
#ifdef EDITED
  return twice(a) + b + 1;
#else
  return twice(a) + b;
#endif
}

int main(void) {
  printf("%d\n", add_twice(20, 2));
  return 0;
}

// FILL: stats: materialized=[[N:[1-9][0-9]*]] compiled=[[N]] cache-hits=0 {{.*}} remote-hits=0 remote-misses=1 remote-kb-read=0 remote-kb-written={{[1-9][0-9]*$}}
// MOVED: moved the paths of cached object {{[0-9a-f]+}} from [[T]]/one to [[T]]/two/deeper
// FETCH: stats: materialized=[[N:[1-9][0-9]*]] compiled=0 cache-hits=[[N]] {{.*}} remote-hits=1 remote-misses=0 remote-kb-read={{[1-9][0-9]*}} remote-kb-written=0{{$}}
// LOCAL: stats: materialized=[[N:[1-9][0-9]*]] compiled=0 cache-hits=[[N]] {{.*}} materialize-ms={{[0-9.]+$}}
// LOCAL-AGAIN-NOT: moved the paths
// LOCAL-AGAIN: stats: materialized=[[N:[1-9][0-9]*]] compiled=0 cache-hits=[[N]] {{.*}} materialize-ms={{[0-9.]+$}}
// READ-ONLY: stats: {{.*}} compiled={{[1-9][0-9]*}} {{.*}} remote-hits=0 remote-misses=1 remote-kb-read={{[1-9][0-9]*}} remote-kb-written=0{{$}}
