// A static destructor that calls a lazy function nothing called before: the
// function is compiled at exit, after main returned. In-process, LLVM is
// loaded then, and its own global objects must stay alive until the
// compile is done: the runtime drops their destructors. The stub keeps its
// session until after every static destructor (and has no LLVM to load).
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clangxx -O0 %autojit %s -o %t.exe %rt -ldl
// RUN: %t.exe | FileCheck %s 
// RUN: %t.exe | FileCheck %s 

#include <cstdio>
#include <dlfcn.h>
#include <string>
#include <vector>

// Runs after the registration constructors (priority 100) and before the
// program's other static objects: nothing has needed LLVM yet.
__attribute__((constructor(200))) static void check_llvm_loaded_early() {
  bool loaded = dlopen("libLLVM.so.19.1", RTLD_NOW | RTLD_NOLOAD) != nullptr;
  std::printf("LLVM loaded before static objects: %s\n", loaded ? "yes" : "no");
}

std::string describe(const std::vector<int> &v) {
  std::string s;
  for (int x : v)
    s += std::to_string(x) + ",";
  return s;
}

struct ReportAtExit {
  std::vector<int> values{1, 2, 3};
  ~ReportAtExit() { std::printf("at exit: %s\n", describe(values).c_str()); }
} report;

int main() {
  std::printf("main\n");
  return 0;
}

// CHECK: LLVM loaded before static objects: no
// CHECK-NEXT: main
// CHECK-NEXT: at exit: 1,2,3,
