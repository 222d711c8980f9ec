// A symbol lazy code needs that nothing in the process defines (the program
// runs with a later library than it was linked against) is named as
// defined nowhere, with what to do; one the program's files define but the
// lazy code cannot reach keeps the advice about symbol tables and
// -rdynamic (remote mode reaches the program's globals through its
// dynamic symbol table).
// With AUTOJIT_SANITIZE: some programs are linked by hand, without the sanitizer runtime.
// UNSUPPORTED: sanitized-autojit
// RUN: rm -rf %t && mkdir %t
// RUN: export AUTOJIT_CACHE_DIR=%t/store
// RUN: %clang -O0 -fPIC -shared %inputs/symbol-missing-lib.c -o %t/libversioned.so
// RUN: %clang -O0 %autojit -c %s -o %t/main.o
// RUN: %clang %t/main.o -o %t/main -L%t -lversioned -Wl,-rpath,%t %rt
// RUN: %t/main | FileCheck --check-prefix=LINKED %s
// RUN: %clang -O0 -fPIC -shared -DLATER_VERSION %inputs/symbol-missing-lib.c -o %t/libversioned.so
// RUN: rm -rf %t/store/objects
// RUN: not %t/main 2>&1 | FileCheck --check-prefix=NOWHERE -DPREFIX=%rtprefix %s
// RUN: not %t/main 2>&1 | count 1
// LINKED: 2
// NOWHERE: [[PREFIX]] cannot link function main (GUID 0x{{[0-9a-f]+}}) from {{.*}}.bc: library_function defined nowhere in the process; run the program with the libraries it was linked against, or relink it against these{{$}}

// Remote mode without -rdynamic: program_global is in the executable's
// symbol table but not exported.
// RUN: %if remote %{ %clang -O0 %autojit -DUSES_PROGRAM_GLOBAL -c %s -o %t/global.o %}
// RUN: %if remote %{ %clang -O0 -c %s -DDEFINES_PROGRAM_GLOBAL -o %t/defines.o %}
// RUN: %if remote %{ %clang %t/global.o %t/defines.o -o %t/unexported -L%libdir -lautojit-stub -pthread %}
// RUN: %if remote %{ not %t/unexported 2>&1 | FileCheck --check-prefix=UNEXPORTED %s %}
// UNEXPORTED: [autojit-stub] cannot link function main (GUID 0x{{[0-9a-f]+}}) from {{.*}}.bc: program_global not exported: the program's dynamic symbol table does not list it; keep the program's symbol table (do not strip it) or link it with -rdynamic

#include <stdio.h>

#if defined(DEFINES_PROGRAM_GLOBAL)
int program_global = 7;
#elif defined(USES_PROGRAM_GLOBAL)
extern int program_global;
int main(void) {
  printf("%d\n", program_global);
  return 0;
}
#else
int library_function(int);
int main(void) {
  printf("%d\n", library_function(1));
  return 0;
}
#endif
