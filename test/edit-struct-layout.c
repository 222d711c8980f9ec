// A function whose code names a struct only in its parameters' attributes
// (it passes a by-value struct on) compiles again when the struct's layout
// changes: how many bytes it copies depends on it. Its object must not be
// reused, or `sum` would add bytes that were never passed. Built without
// -g: debug info describes the struct too.
// RUN: rm -rf %t.store %t.dir && mkdir -p %t.dir
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: cp %S/Inputs/struct-layout-program.c %t.dir/program.c
// RUN: %clang -O0 %autojit %t.dir/program.c -o %t.exe %rt
// RUN: env AUTOJIT_STATS=1 %t.exe 2>&1 | FileCheck --check-prefix=FIRST %s
// RUN: %python %S/Inputs/replace.py %t.dir/program.c "int a[5];" "int a[9];"
// RUN: %clang -O0 %autojit %t.dir/program.c -o %t.exe %rt
// RUN: env AUTOJIT_STATS=1 %t.exe 2>&1 | FileCheck --check-prefix=EDITED %s

// FIRST-DAG: sum=15
// FIRST-DAG: stats: materialized=3 compiled=3 cache-hits=0
// EDITED-DAG: sum=45
// EDITED-DAG: stats: materialized=3 compiled=3 cache-hits=0
