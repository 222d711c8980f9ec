// An object whose paths cannot be moved to another checkout: built with
// DWARF 4, whose line table keeps its directories inline, and a header
// directory of the checkout outside the compilation directory (an absolute
// -I). The second checkout's keys match the first's, but the object names
// the first checkout where no relocation reaches: it is not reused (one
// log line says why), its functions compile, and the run prints the same.
// RUN: rm -rf %t && mkdir -p %t/one/.git %t/one/inc %t/one/build %t/two/.git %t/two/inc %t/two/build
// RUN: cp %s %t/one/dwarf4.c && cp %s %t/two/dwarf4.c
// RUN: cp %S/Inputs/three.h %t/one/inc && cp %S/Inputs/three.h %t/two/inc
// RUN: export AUTOJIT_CACHE_DIR=%t/store
// RUN: cd %t/one/build && %clang -O0 -g -gdwarf-4 -I%t/one/inc %autojit ../dwarf4.c -o prog %rt
// RUN: cd %t/two/build && %clang -O0 -g -gdwarf-4 -I%t/two/inc %autojit ../dwarf4.c -o prog %rt
// RUN: cd %t/one/build && env AUTOJIT_STATS=1 ./prog > one.out 2> one.log
// RUN: FileCheck --check-prefix=COMPILED %s < one.log
// RUN: cd %t/two/build && env AUTOJIT_STATS=1 AUTOJIT_DEBUG=1 ./prog > two.out 2> two.log
// RUN: FileCheck --check-prefixes=COMPILED%if daemon %{%} %else %{,REFUSED%} %s < two.log
// RUN: diff %t/one/build/one.out %t/two/build/two.out

#include <stdio.h>
#include "three.h"

__attribute__((noinline)) int nine(int x) { return three(three(x)); }

int main(void) {
  printf("%d\n", nine(2));
  return 0;
}

// REFUSED: cached object {{[0-9a-f]+}} not reused: unsupported object: .debug_line names the source root inline
// COMPILED: stats: materialized={{[1-9][0-9]*}} compiled={{[1-9][0-9]*}} cache-hits=0
