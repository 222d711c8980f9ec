// A shared library built with -fvisibility=hidden: its lazified code uses
// hidden definitions of a regular object of the same library, and atexit
// (the library's own hidden copy from libc_nonshared.a, which registers the
// handler for the library). Lazy code finds them in the library's own
// symbol table, for a library the program links and for one it loads with
// dlopen (RTLD_LOCAL), and prefers them to what the program exports under
// the same names, as the static link did.
// RUN: rm -rf %t.dir && mkdir -p %t.dir
// RUN: %clang -O0 -fPIC -fvisibility=hidden -c -DLIBRARY=linked %inputs/hidden-library-regular.c -o %t.dir/linked-regular.o
// RUN: %clang -O0 -fPIC -fvisibility=hidden -c -DLIBRARY=loaded %inputs/hidden-library-regular.c -o %t.dir/loaded-regular.o
// RUN: %clang -O0 -fPIC -fvisibility=hidden -shared %autojit -DLIBRARY=linked %s %t.dir/linked-regular.o -o %t.dir/liblinked.so %rt
// RUN: %clang -O0 -fPIC -fvisibility=hidden -shared %autojit -DLIBRARY=loaded %s %t.dir/loaded-regular.o -o %t.dir/libloaded.so %rt
// RUN: %clang -O0 %autojit %s -o %t.exe -L%t.dir -llinked -Wl,-rpath,%t.dir -ldl %rt
// RUN: readelf -sW %t.dir/liblinked.so | FileCheck --check-prefix=BFD %s
// RUN: readelf --dyn-syms -W %t.dir/liblinked.so | FileCheck --check-prefix=DYN %s
// RUN: %t.exe %t.dir/libloaded.so | FileCheck %s
// RUN: %if lld %{ %clang -O0 -fuse-ld=lld -fPIC -fvisibility=hidden -shared %autojit -DLIBRARY=linked %s %t.dir/linked-regular.o -o %t.dir/liblinked.so %rt %}
// RUN: %if lld %{ %clang -O0 -fuse-ld=lld -fPIC -fvisibility=hidden -shared %autojit -DLIBRARY=loaded %s %t.dir/loaded-regular.o -o %t.dir/libloaded.so %rt %}
// RUN: %if lld %{ readelf -sW %t.dir/liblinked.so | FileCheck --check-prefix=LLD %s %}
// RUN: %if lld %{ %t.exe %t.dir/libloaded.so | FileCheck %s %}

#include <stdio.h>
#include <stdlib.h>

#ifdef LIBRARY
#define CONCAT2(a, b) a##_##b
#define CONCAT(a, b) CONCAT2(a, b)
#define NAME(f) CONCAT(LIBRARY, f)
#define STR2(x) #x
#define STR(x) STR2(x)
int NAME(helper)(int);
extern int NAME(value);
// Named apart: a promoted static's name derives from the source path, which
// both libraries share.
static void NAME(bye)(void) { puts(STR(LIBRARY) " atexit handler ran"); }
__attribute__((visibility("default"))) int NAME(entry)(int x) {
  if (atexit(NAME(bye)) != 0)
    return -1;
  return NAME(helper)(x) + NAME(value)++;
}
#else
#include <dlfcn.h>
// Exported by the program: the libraries' code must not call these.
int linked_helper(int x) { return -x; }
int loaded_helper(int x) { return -x; }
int linked_entry(int);
int main(int argc, char **argv) {
  (void)argc;
  printf("linked: %d\n", linked_entry(2));
  void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    printf("dlopen failed: %s\n", dlerror());
    return 1;
  }
  int (*entry)(int) = (int (*)(int))dlsym(h, "loaded_entry");
  printf("loaded: %d\n", entry(3));
  printf("loaded again: %d\n", entry(3));
  return 0;
}
#endif

// CHECK: linked: 17
// CHECK-NEXT: loaded: 20
// CHECK-NEXT: loaded again: 21
// CHECK-NEXT: loaded atexit handler ran
// CHECK-NEXT: loaded atexit handler ran
// CHECK-NEXT: linked atexit handler ran

// BFD-DAG: {{(LOCAL +DEFAULT|GLOBAL +HIDDEN|WEAK +HIDDEN) +[0-9]+ linked_helper$}}
// BFD-DAG: {{(LOCAL +DEFAULT|GLOBAL +HIDDEN|WEAK +HIDDEN) +[0-9]+ linked_value$}}
// BFD-DAG: {{(LOCAL +DEFAULT|GLOBAL +HIDDEN|WEAK +HIDDEN) +[0-9]+ atexit$}}
// LLD-DAG: {{LOCAL +HIDDEN +[0-9]+ linked_helper$}}
// LLD-DAG: {{LOCAL +HIDDEN +[0-9]+ linked_value$}}
// LLD-DAG: {{LOCAL +HIDDEN +[0-9]+ atexit$}}
// DYN-NOT: {{ (linked_helper|linked_value|atexit)$}}
