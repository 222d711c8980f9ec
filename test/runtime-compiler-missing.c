// The runtime loads its engine (and with it LLVM) from its own directory
// when a function must be compiled. Without it the program stops with one
// line naming the missing library and saying what to do; a run that calls
// no lazy function, or finds every function it calls in the object cache,
// never needs it, and has no LLVM in its process.
// REQUIRES: inprocess
// With AUTOJIT_SANITIZE: the program is linked without the sanitizer runtime.
// UNSUPPORTED: sanitized-autojit
// RUN: rm -rf %t.lib %t.full %t.store && mkdir -p %t.lib %t.full
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: cp %libdir/libautojit-inprocess.so %t.lib/
// RUN: cp %libdir/libautojit-inprocess.so %libdir/libautojit-inprocess-compiler.so %t.full/
// RUN: %clang -O0 -c %s -o %t.main.o
// RUN: %clang -O0 -c %autojit -DLAZY %s -o %t.lazy.o
// RUN: %clang %t.main.o %t.lazy.o -o %t.exe -L%t.lib -lautojit-inprocess -Wl,-rpath,%t.lib
// RUN: not %t.exe call 2>&1 | FileCheck %s
// RUN: %t.exe | FileCheck --check-prefix=UNUSED %s
//
// Compiled once with the engine, then run warm without it.
// RUN: %clang %t.main.o %t.lazy.o -o %t.full.exe -L%t.full -lautojit-inprocess -Wl,-rpath,%t.full
// RUN: %t.full.exe call | FileCheck --check-prefix=COLD %s
// RUN: rm %t.full/libautojit-inprocess-compiler.so
// RUN: %t.full.exe call | FileCheck --check-prefix=WARM %s

#define _GNU_SOURCE
#include <stdio.h>

#ifdef LAZY
int lazy(void) { return 1; }
#else
#include <link.h>
#include <string.h>

int lazy(void);

static int find_llvm(struct dl_phdr_info *info, size_t size, void *found) {
  (void)size;
  if (strstr(info->dlpi_name, "libLLVM"))
    *(int *)found = 1;
  return 0;
}

int main(int argc, char **argv) {
  (void)argv;
  if (argc == 1) {
    puts("no lazy call");
    return 0;
  }
  printf("lazy: %d\n", lazy());
  int llvm = 0;
  dl_iterate_phdr(find_llvm, &llvm);
  printf("LLVM in the process: %s\n", llvm ? "yes" : "no");
  return 0;
}
#endif

// CHECK: [autojit-inprocess] cannot load autojit's compiler {{.*}}libautojit-inprocess-compiler.so: {{.*}}; reinstall autojit (libautojit-inprocess-compiler.so must sit next to libautojit-inprocess.so)
// UNUSED: no lazy call
// COLD: lazy: 1
// COLD-NEXT: LLVM in the process: yes
// WARM: lazy: 1
// WARM-NEXT: LLVM in the process: no
