// A C program linked with the stub needs neither LLVM nor a C++ runtime:
// its only libraries are the C library and the GCC runtime support library
// (libgcc_s, which the precompiled Rust core library refers to).
// REQUIRES: remote
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clang -O0 %autojit %s -o %t.exe %rt
// RUN: llvm-readelf --needed-libs %t.exe | FileCheck --check-prefix=LIBS %s
// RUN: %t.exe | FileCheck %s

#include <stdio.h>

static int scale = 3;
int scaled(int x) { return scale * x; }
int main(void) {
  printf("scaled=%d\n", scaled(14));
  return 0;
}

// LIBS: NeededLibraries [
// LIBS-NOT: {{LLVM|c\+\+|stdc|autojit}}
// LIBS: ]
// CHECK: scaled=42
