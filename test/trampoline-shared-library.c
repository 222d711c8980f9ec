// In a shared library built with -fno-semantic-interposition, a definition's
// dso_local means "bind to my own local alias", which a declaration cannot
// say: there a lazified function's declaration loses dso_local, so static
// code takes the function's address through the GOT. GNU ld and lld refuse
// the PC-relative reference a dso_local declaration would get; with it gone
// the library links, and static code, lazy code and the program see one
// address.
// With AUTOJIT_SANITIZE: the program is linked without the sanitizer runtime its libraries need.
// UNSUPPORTED: sanitized-autojit
// RUN: rm -rf %t && mkdir %t
// RUN: export AUTOJIT_CACHE_DIR=%t/store
// RUN: %clang -O0 -fPIC -fno-semantic-interposition %autojit -DLIBRARY -c %s -o %t/lib.o
// RUN: %clang -shared %t/lib.o -o %t/libsi.so %rt
// RUN: %if lld %{ %clang -fuse-ld=lld -shared %t/lib.o -o %t/libsi.so %rt %}
// RUN: %clang -O0 %s -o %t/main -L%t -lsi -Wl,-rpath,%t
// RUN: %t/main | FileCheck %s
// CHECK: 6 same=1 1

typedef int (*fn)(int);
int lib_fn(int x);
fn lib_address(void);
fn ctor_address(void);

#ifdef LIBRARY
int lib_fn(int x) { return x * 3; }
static fn volatile from_ctor;
// A constructor stays in the program: static code.
__attribute__((constructor)) static void init(void) { from_ctor = lib_fn; }
fn lib_address(void) { return lib_fn; }
fn ctor_address(void) { return from_ctor; }
#else
#include <stdio.h>
int main(void) {
  printf("%d same=%d %d\n", lib_fn(2), ctor_address() == lib_address(), lib_address() == lib_fn);
  return 0;
}
#endif
