// Editing one function's body in the source file and rebuilding gives a new
// lazy file: the next run compiles the edited function alone and runs the
// edited code, never an object of the previous version; the functions whose
// code did not change keep their objects.
// RUN: rm -rf %t.store %t.dir && mkdir -p %t.dir
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: cp %S/Inputs/edit-source-program.c %t.dir/program.c
// RUN: %clang -O0 -g %autojit %t.dir/program.c -o %t.exe %rt
// RUN: env AUTOJIT_STATS=1 %t.exe 2>&1 | FileCheck --check-prefix=FIRST %s
// RUN: %python %S/Inputs/replace.py %t.dir/program.c "return x + 1;" "return x + 2;"
// RUN: %clang -O0 -g %autojit %t.dir/program.c -o %t.exe %rt
// RUN: env AUTOJIT_STATS=1 %t.exe 2>&1 | FileCheck --check-prefix=EDITED %s

// FIRST-DAG: result=26
// FIRST-DAG: stats: materialized=4 compiled=4 cache-hits=0
// EDITED-DAG: result=27
// EDITED-DAG: stats: materialized=4 compiled=1 cache-hits=3
