// Lazified code in shared libraries: one the program links, and one it
// loads with dlopen (RTLD_LOCAL, so its symbols are not global): lazy code
// finds its library's own functions, hidden ones and promoted statics, as
// the dynamic linker would.
// With AUTOJIT_SANITIZE: the program is linked without the sanitizer runtime its libraries need.
// UNSUPPORTED: sanitized-autojit
// RUN: rm -rf %t.dir && mkdir -p %t.dir
// RUN: %clang -O0 -g -fPIC -shared %autojit -DLIBRARY=linked %s -o %t.dir/liblinked.so %rt
// RUN: %clang -O0 -g -fPIC -shared %autojit -DLIBRARY=loaded %s -o %t.dir/libloaded.so %rt
// RUN: %clang -O0 %s -o %t.exe -L%t.dir -llinked -Wl,-rpath,%t.dir -ldl
// RUN: %t.exe %t.dir/libloaded.so | FileCheck %s

#include <stdio.h>

#ifdef LIBRARY
#define CONCAT2(a, b) a##_##b
#define CONCAT(a, b) CONCAT2(a, b)
#define NAME(f) CONCAT(LIBRARY, f)
static int calls;
int NAME(helper)(int x) { return x * 7; }
__attribute__((visibility("hidden"))) int NAME(hidden)(int x) { return x + 1000; }
int NAME(entry)(int x) { return NAME(hidden)(NAME(helper)(x)) + ++calls; }
#else
#include <dlfcn.h>
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

// CHECK: linked: 1015
// CHECK-NEXT: loaded: 1022
// CHECK-NEXT: loaded again: 1023
