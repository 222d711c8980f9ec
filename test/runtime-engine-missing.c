// The runtime loads its engine from its own directory on the first call of a
// lazy function. Without it the program stops with one line naming the
// missing library and saying what to do; a run that calls no lazy function
// never needs it.
// REQUIRES: inprocess
// RUN: rm -rf %t.lib && mkdir -p %t.lib
// RUN: cp %libdir/libautojit-runtime.so %t.lib/
// RUN: %clang -O0 -c %s -o %t.main.o
// RUN: %clang -O0 -c %autojit -DLAZY %s -o %t.lazy.o
// RUN: %clang %t.main.o %t.lazy.o -o %t.exe -L%t.lib -lautojit-runtime -Wl,-rpath,%t.lib
// RUN: not %t.exe call 2>&1 | FileCheck %s
// RUN: %t.exe | FileCheck --check-prefix=UNUSED %s

#include <stdio.h>

#ifdef LAZY
int lazy(void) { return 1; }
#else
int lazy(void);
int main(int argc, char **argv) {
  (void)argv;
  if (argc > 1)
    return lazy();
  puts("no lazy call");
  return 0;
}
#endif

// CHECK: [autojit-runtime] cannot load the autojit engine {{.*}}libautojit-engine.so: {{.*}}; reinstall autojit (libautojit-engine.so must sit next to libautojit-runtime.so)
// UNUSED: no lazy call
