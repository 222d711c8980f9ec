// The same sources built in two checkouts at different paths share their
// objects when the build maps its root away in its debug info
// (-ffile-prefix-map or -fdebug-prefix-map, as for ccache), or when each
// is a checkout (a directory with .git): the second checkout's first run
// compiles nothing the first one ran, and prints the same; an object from
// the first checkout has its paths moved to the second. Outside a checkout
// and without the mapping, each directory's paths are in its debug info and
// keys, and it compiles its own.
// RUN: rm -rf %t && mkdir -p %t/one %t/two/deeper
// RUN: cp %s %t/one/travel.c && cp %s %t/two/deeper/travel.c
// RUN: export AUTOJIT_CACHE_DIR=%t/store
// RUN: cd %t/one && %clang -O0 -g -ffile-prefix-map=%t/one=. %autojit travel.c -o mapped %rt
// RUN: cd %t/two/deeper && %clang -O0 -g -ffile-prefix-map=%t/two/deeper=. %autojit travel.c -o mapped %rt
// RUN: cd %t/one && env AUTOJIT_STATS=1 ./mapped > one.out 2> one.log
// RUN: FileCheck --check-prefix=FIRST %s < one.log
// RUN: cd %t/two/deeper && env AUTOJIT_STATS=1 ./mapped > two.out 2> two.log
// RUN: FileCheck --check-prefix=SECOND %s < two.log
// RUN: diff %t/one/one.out %t/two/deeper/two.out
// RUN: cd %t/one && %clang -O0 -g %autojit travel.c -o unmapped %rt
// RUN: cd %t/two/deeper && %clang -O0 -g %autojit travel.c -o unmapped %rt
// RUN: cd %t/one && env AUTOJIT_STATS=1 ./unmapped 2>&1 > /dev/null | FileCheck --check-prefix=FIRST %s
// RUN: cd %t/two/deeper && env AUTOJIT_STATS=1 ./unmapped 2>&1 > /dev/null | FileCheck --check-prefix=FIRST %s
// RUN: mkdir %t/one/.git %t/two/deeper/.git
// RUN: cd %t/one && %clang -O0 -g %autojit travel.c -o rooted %rt
// RUN: cd %t/two/deeper && %clang -O0 -g %autojit travel.c -o rooted %rt
// RUN: cd %t/one && env AUTOJIT_STATS=1 ./rooted 2>&1 > /dev/null | FileCheck --check-prefix=FIRST %s
// RUN: cd %t/two/deeper && env AUTOJIT_STATS=1 AUTOJIT_DEBUG=1 ./rooted > two.out 2> two.log
// RUN: FileCheck --check-prefixes=SECOND%if daemon %{%} %else %{,MOVED%} -DT=%t %s < two.log
// RUN: diff %t/one/one.out %t/two/deeper/two.out
// The moved object is kept: the next run moves nothing.
// RUN: cd %t/two/deeper && env AUTOJIT_STATS=1 AUTOJIT_DEBUG=1 ./rooted 2>&1 > /dev/null | FileCheck --check-prefix=AGAIN %s

#include <stdio.h>

// A static function: its promoted name carries the source's identity.
static int twice(int x) { return 2 * x; }

__attribute__((noinline)) int add_twice(int a, int b) { return twice(a) + b; }

int main(void) {
  printf("%d\n", add_twice(20, 2));
  return 0;
}

// FIRST: stats: materialized={{[1-9][0-9]*}} compiled={{[1-9][0-9]*}} cache-hits=0
// MOVED: moved the paths of cached object {{[0-9a-f]+}} from [[T]]/one to [[T]]/two/deeper
// SECOND: stats: materialized=[[N:[1-9][0-9]*]] compiled=0 cache-hits=[[N]]
// AGAIN-NOT: moved the paths
// AGAIN: stats: materialized={{[1-9][0-9]*}} compiled=0 cache-hits=
