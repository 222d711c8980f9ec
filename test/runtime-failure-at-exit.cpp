// After a fatal materialization error, exit-time code that calls lazy
// functions (a static destructor, an atexit handler) ends the program
// quietly: the one line is already out, and nothing claims the destructor
// was a signal handler.
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clangxx -O0 -DMAIN -c %s -o %t.main.o
// RUN: %clangxx -O0 %autojit -c %s -o %t.lazy.o
// RUN: %clangxx %t.main.o %t.lazy.o -o %t.exe %rt
// RUN: env AUTOJIT_DISABLE_OBJECT_CACHE=1 %t.exe ok | FileCheck %s --check-prefix=OK
// RUN: %python %inputs/lazy_file.py delete %t.store/modules
// RUN: not %t.exe fail > %t.out 2> %t.err
// RUN: count 1 < %t.err
// RUN: FileCheck %s --input-file %t.err -DRT=%rtprefix

#include <cstdio>
#include <cstring>

int lazy_work(int x);
int lazy_cleanup(int x);

#ifdef MAIN
struct Cleanup {
  ~Cleanup() { std::printf("cleanup=%d\n", lazy_cleanup(1)); }
};
static Cleanup cleanup;

int main(int argc, char **argv) {
  if (argc > 1 && std::strcmp(argv[1], "ok") == 0)
    lazy_cleanup(0);
  std::printf("work=%d\n", lazy_work(6));
  return 0;
}
#else
int lazy_work(int x) { return x * 7; }
int lazy_cleanup(int x) { return x + 40; }
#endif

// OK: work=42
// OK-NEXT: cleanup=41

// CHECK: {{^}}[[RT]] cannot materialize function _Z9lazy_worki (GUID 0x{{[0-9a-f]+}}): cannot read lazy module {{.*}}: No such file or directory (os error 2); rebuild {{.*}}runtime-failure-at-exit.cpp and relink the program{{$}}
