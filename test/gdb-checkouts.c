// A function compiled in one checkout and reused in another (each a
// directory with .git, at different paths, sharing an object cache) sends
// gdb to the second checkout's source: the first checkout's file is gone
// and gdb still shows the line, from the second one's directory.
// REQUIRES: gdb
// RUN: rm -rf %t && mkdir -p %t/one/.git %t/two/deeper/.git
// RUN: cp %S/Inputs/line-shift-program.c %t/one/program.c
// RUN: cp %S/Inputs/line-shift-program.c %t/two/deeper/program.c
// RUN: export AUTOJIT_CACHE_DIR=%t/store
// RUN: cd %t/one && %clang -O0 -g %autojit program.c -o program %rt
// RUN: cd %t/two/deeper && %clang -O0 -g %autojit program.c -o program %rt
// RUN: cd %t/one && env AUTOJIT_STATS=1 ./program 2>&1 | FileCheck --check-prefix=FIRST %s
// RUN: rm %t/one/program.c
// RUN: cd %t/two/deeper && gdb -batch -nx -ex "set breakpoint pending on" -ex "break program.c:5" -ex run -ex bt -ex "info source" %t/two/deeper/program 2>&1 | FileCheck --check-prefix=GDB -DT=%t %s
// RUN: cd %t/two/deeper && env AUTOJIT_STATS=1 ./program 2>&1 | FileCheck --check-prefix=SECOND %s

// FIRST-DAG: 15
// FIRST-DAG: stats: materialized=3 compiled=3 cache-hits=0

// GDB: Breakpoint 1, leaf (x=4) at program.c:5
// GDB-NEXT: 5 int y = x * 3;
// GDB: #0 leaf (x=4) at program.c:5
// GDB: Compilation directory is [[T]]/two/deeper
// GDB-NEXT: Located in [[T]]/two/deeper/program.c

// SECOND: stats: materialized=3 compiled=0 cache-hits=3
