// Link-once (inline and template) functions used by several translation
// units are materialized once and keep one address; their function-local
// static state exists once.
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clangxx -O0 -c %autojit %s -o %t.a.o
// RUN: %clangxx -O0 -c %autojit -DSECOND_TU %s -o %t.b.o
// RUN: %clangxx %t.a.o %t.b.o -o %t.exe %rt
// RUN: env AUTOJIT_DEBUG=1 AUTOJIT_STATS=1 %t.exe > %t.out 2> %t.err
// RUN: FileCheck --check-prefix=OUT %s < %t.out
// The engine's log lines go to the daemon's log when a shared daemon serves.
// RUN: FileCheck --check-prefixes=ERR%if daemon %{%} %else %{,ERR-LOG%} %s < %t.err
// One trampoline survives the link.
// RUN: llvm-nm %t.exe | FileCheck --check-prefix=NM %s

#include <cstdio>

inline int bump() {
  static int calls;
  return ++calls;
}
template <typename T> T twice(T x) { return x + x; }
using fn = int (*)();

#ifdef SECOND_TU
int second() { return bump() + twice(10); }
fn second_bump() { return &bump; }
#else
int second();
fn second_bump();
int main() {
  int a = bump();
  int b = second();
  std::printf("a=%d b=%d same=%d\n", a, b, second_bump() == &bump);
  return 0;
}
#endif

// OUT: a=1 b=22 same=1
// ERR-LOG: materialized _Z4bumpv
// ERR-LOG-NOT: materialized _Z4bumpv
// ERR: stats: materialized=5 compiled=5
// NM: W _Z4bumpv{{$}}
// NM-NOT: {{ }}_Z4bumpv{{$}}
