// After an edit that moves functions' lines, gdb sees each function where it
// now is: a comment inserted atop the file compiles nothing (every object is
// reused, its lines moved by 3), and breakpoints by line, `bt` and `list`
// name the new lines; then a statement inserted into `middle` compiles
// `middle` alone, and `main`, below it, moves by one line more; the first
// object's stale copy of `middle` has no lines left for a breakpoint to land
// on: the run that erased them kept the object so erased, which later runs
// link as it is.
// REQUIRES: gdb
// RUN: rm -rf %t.store %t.dir && mkdir -p %t.dir
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: cp %S/Inputs/line-shift-program.c %t.dir/program.c
// RUN: %clang -O0 -g %autojit %t.dir/program.c -o %t.exe %rt
// RUN: env AUTOJIT_STATS=1 %t.exe 2>&1 | FileCheck --check-prefix=FIRST %s
// RUN: %python %S/Inputs/replace.py %t.dir/program.c "// The program" "/* one */\n/* two */\n/* three */\n// The program"
// RUN: %clang -O0 -g %autojit %t.dir/program.c -o %t.exe %rt
// RUN: env AUTOJIT_STATS=1 AUTOJIT_DEBUG=1 %t.exe 2>&1 | FileCheck --check-prefixes=COMMENT%if daemon %{%} %else %{,COMMENT-LOG%} %s
// The cache keeps the moved object: the next run moves nothing.
// RUN: env AUTOJIT_STATS=1 AUTOJIT_DEBUG=1 %t.exe 2>&1 | FileCheck --check-prefix=COMMENT-AGAIN %s
// RUN: gdb -batch -nx -ex "set breakpoint pending on" -ex "break program.c:8" -ex run -ex bt -ex "list leaf" %t.exe 2>&1 | FileCheck --check-prefix=GDB-COMMENT %s
// RUN: %python %S/Inputs/replace.py %t.dir/program.c "  return leaf(x) + 2;" "  x = x + 0;\n  return leaf(x) + 2;"
// RUN: %clang -O0 -g %autojit %t.dir/program.c -o %t.exe %rt
// RUN: env AUTOJIT_STATS=1 AUTOJIT_DEBUG=1 %t.exe 2>&1 | FileCheck --check-prefixes=STATEMENT%if daemon %{%} %else %{,STATEMENT-LOG%} %s
// The cache keeps the first object with the stale `middle`'s lines erased:
// the next run erases nothing.
// RUN: env AUTOJIT_STATS=1 AUTOJIT_DEBUG=1 %t.exe 2>&1 | FileCheck --check-prefix=STATEMENT-AGAIN %s
// RUN: gdb -batch -nx -ex "set breakpoint pending on" -ex "break program.c:8" -ex run -ex "break program.c:12" -ex bt -ex "info breakpoints" %t.exe 2>&1 | FileCheck --check-prefix=GDB-STATEMENT %s

// FIRST-DAG: 15
// FIRST-DAG: stats: materialized=3 compiled=3 cache-hits=0

// COMMENT-DAG: 15
// COMMENT-DAG: stats: materialized=3 compiled=0 cache-hits=3
// COMMENT-LOG-DAG: moved the lines of 3 functions of cached object
// COMMENT-AGAIN-NOT: moved the lines
// COMMENT-AGAIN: stats: materialized=3 compiled=0 cache-hits=3

// GDB-COMMENT: Breakpoint 1, leaf (x=4) at {{.*}}program.c:8
// GDB-COMMENT-NEXT: 8 int y = x * 3;
// GDB-COMMENT: #0 leaf (x=4) at {{.*}}program.c:8
// GDB-COMMENT-NEXT: #1 {{.*}} in middle (x=4) at {{.*}}program.c:12
// GDB-COMMENT-NEXT: #2 {{.*}} in main () at {{.*}}program.c:15
// GDB-COMMENT: 7 int leaf(int x) {
// GDB-COMMENT-NEXT: 8 int y = x * 3;

// STATEMENT-DAG: 15
// STATEMENT-DAG: stats: materialized=3 compiled=1 cache-hits=2
// STATEMENT-LOG-DAG: erased the lines of 1 changed functions of cached object
// STATEMENT-AGAIN-NOT: erased the lines
// STATEMENT-AGAIN: stats: materialized=3 compiled=0 cache-hits=3

// GDB-STATEMENT: Breakpoint 1, leaf (x=4) at {{.*}}program.c:8
// GDB-STATEMENT: #0 leaf (x=4) at {{.*}}program.c:8
// GDB-STATEMENT-NEXT: #1 {{.*}} in middle (x=4) at {{.*}}program.c:13
// GDB-STATEMENT-NEXT: #2 {{.*}} in main () at {{.*}}program.c:16
// GDB-STATEMENT: 1 breakpoint keep y 0x{{[0-9a-f]+}} in leaf at {{.*}}program.c:8
// GDB-STATEMENT-NEXT: breakpoint already hit 1 time
// GDB-STATEMENT-NEXT: 2 breakpoint keep y 0x{{[0-9a-f]+}} in middle at {{.*}}program.c:12
