// A static function that lazified code calls is promoted and lazified on its
// own, at every level, so it compiles once instead of once in every body
// that calls it; one that only code staying in the program calls (a
// constructor) stays as it is. Above -O0 the small lazified functions keep an
// inlinable copy in the lazy module (test/inlinable-copies.c), so main's
// batch holds all four.
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: env AUTOJIT_DEBUG=1 %clang -O0 %autojit %s -o %t.O0.exe %rt 2> %t.O0.log
// RUN: FileCheck %s --check-prefix=O0-LOG --input-file %t.O0.log
// RUN: env AUTOJIT_STATS=1 %t.O0.exe > %t.O0.out 2> %t.O0.err
// RUN: FileCheck %s --check-prefix=OUT --input-file %t.O0.out
// RUN: FileCheck %s --check-prefix=O0-STATS --input-file %t.O0.err
// RUN: env AUTOJIT_DEBUG=1 %clang -O2 %autojit %s -o %t.O2.exe %rt 2> %t.O2.log
// RUN: FileCheck %s --check-prefix=O2-LOG --input-file %t.O2.log
// RUN: env AUTOJIT_STATS=1 %t.O2.exe > %t.O2.out 2> %t.O2.err
// RUN: FileCheck %s --check-prefix=OUT --input-file %t.O2.out
// RUN: FileCheck %s --check-prefix=O2-STATS --input-file %t.O2.err

#include <stdio.h>

static int scale(int x) { return 3 * x; }
static int setup_value(void) { return 4; }

static int ready;
__attribute__((constructor)) static void setup(void) { ready = setup_value(); }

int first(int x) { return scale(x) + 1; }
int second(int x) { return scale(x) + 2; }

int main(void) {
  printf("first=%d second=%d ready=%d\n", first(10), second(20), ready);
  return 0;
}

// O0-LOG: autojit-plugin: promoted scale to scale.autojit.{{[0-9a-f]+}}
// O0-LOG-NOT: promoted setup_value
// O0-LOG: autojit-plugin: lazified scale.autojit.{{[0-9a-f]+}} guid
// O2-LOG: autojit-plugin: promoted scale to scale.autojit.{{[0-9a-f]+}}
// O2-LOG-NOT: promoted setup_value
// O2-LOG: autojit-plugin: lazified scale.autojit.{{[0-9a-f]+}} guid

// OUT: first=31 second=62 ready=4
// main, first, second and scale: each compiled once, in one object.
// O0-STATS: stats: materialized=4 compiled=4 cache-hits=0 modules-loaded=1 objects=1
// O2-STATS: stats: materialized=4 compiled=4 cache-hits=0 modules-loaded=1 objects=1
