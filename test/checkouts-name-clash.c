// Two repositories' files with one path from their checkouts' roots
// (util.c at the root of each), built into two shared libraries of one
// program: their identities, and so their static functions' GUIDs, are one.
// The run refuses to pick either body, with one line naming both files and
// how to name them apart, rather than run one library's helper for the
// other; built with -ffile-prefix-map giving each a name of its own, both
// run.
// With AUTOJIT_SANITIZE: the program is linked without the sanitizer runtime its libraries need.
// UNSUPPORTED: sanitized-autojit
// RUN: rm -rf %t && mkdir -p %t/app/.git %t/lib/.git
// RUN: cp %s %t/app/util.c && cp %s %t/lib/util.c
// RUN: cd %t/app && %clang -O0 -g -fPIC -shared %autojit -DLIBRARY=app -DVALUE=1 util.c -o libapp.so %rt
// RUN: cd %t/lib && %clang -O0 -g -fPIC -shared %autojit -DLIBRARY=lib -DVALUE=2 util.c -o liblib.so %rt
// RUN: %clang -O0 %s -o %t/clash -L%t/app -L%t/lib -lapp -llib -Wl,-rpath,%t/app:%t/lib
// RUN: not %t/clash > %t/out 2> %t/err
// RUN: FileCheck --check-prefix=CLASH -DT=%t %s < %t/err
// RUN: count 1 < %t/err
// RUN: cd %t/app && %clang -O0 -g -fPIC -shared %autojit -ffile-prefix-map=%t/app=app -DLIBRARY=app -DVALUE=1 util.c -o libapp.so %rt
// RUN: cd %t/lib && %clang -O0 -g -fPIC -shared %autojit -ffile-prefix-map=%t/lib=lib -DLIBRARY=lib -DVALUE=2 util.c -o liblib.so %rt
// RUN: %t/clash | FileCheck --check-prefix=APART %s

#include <stdio.h>

#ifdef LIBRARY
#define CONCAT2(a, b) a##_##b
#define CONCAT(a, b) CONCAT2(a, b)
static int helper(void) { return VALUE; }
int CONCAT(LIBRARY, value)(void) { return helper(); }
#else
int app_value(void);
int lib_value(void);
int main(void) {
  printf("app %d lib %d\n", app_value(), lib_value());
  return 0;
}
#endif

// CLASH: cannot materialize function {{.*}}: its source and [[T]]/{{app|lib}}/util.c have one path from their checkouts' roots, so their functions cannot be told apart; build one of them with -ffile-prefix-map=<its checkout>=<a name of its own> and relink the program
// APART: app 1 lib 2
