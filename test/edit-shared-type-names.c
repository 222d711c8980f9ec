// Two files that both define `struct point`. After an edit of one function
// of the second file, only that function compiles again; the others keep
// their objects, and each lazy module, in a context of its own, keeps its
// types' names whatever was loaded before it.
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clang -O0 -g -c %autojit %s -o %t.main.o
// RUN: %clang -O0 -g -c %autojit %inputs/shared-type-second.c -o %t.second.o
// RUN: %clang %t.main.o %t.second.o -o %t.exe %rt
// RUN: env AUTOJIT_STATS=1 %t.exe 2>&1 | FileCheck --check-prefix=COLD %s
// RUN: %clang -O0 -g -c %autojit -DEDITED %inputs/shared-type-second.c -o %t.second.o
// RUN: %clang %t.main.o %t.second.o -o %t.exe %rt
// RUN: env AUTOJIT_STATS=1 %t.exe 2>&1 | FileCheck --check-prefix=EDITED %s

#include <stdio.h>

struct point {
  int x, y;
};

int first_norm(struct point p) { return p.x * p.x + p.y * p.y; }
int second_sum(struct point p);
int second_scaled(struct point p);

int main(void) {
  struct point p = {3, 4};
  printf("%d %d %d\n", first_norm(p), second_sum(p), second_scaled(p));
  return 0;
}

// COLD-DAG: 25 7 {{21|70}}
// COLD-DAG: stats: materialized=4 compiled=4 cache-hits=0 modules-loaded=2 objects=2
// EDITED-DAG: 25 7 70
// EDITED-DAG: stats: materialized=4 compiled=1 cache-hits=3 modules-loaded=1 objects=3
