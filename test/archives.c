// Lazified objects in a static archive: the archive members the linker pulls
// in register themselves, with no --whole-archive.
// RUN: rm -rf %t.dir && mkdir -p %t.dir
// RUN: %clang -O0 -c %autojit %inputs/lib-math.c -o %t.dir/lib-math.o
// RUN: %clang -O0 -c %autojit %inputs/lib-text.c -o %t.dir/lib-text.o
// RUN: llvm-ar rcs %t.dir/libparts.a %t.dir/lib-math.o %t.dir/lib-text.o
// RUN: %clang -O0 -c %autojit %s -o %t.dir/main.o
// RUN: %clang %t.dir/main.o -L%t.dir -lparts -o %t.exe %rt
// RUN: %t.exe | FileCheck %s

#include <stdio.h>

int lib_cube(int x);
const char *lib_greeting(void);

int main(void) {
  printf("cube=%d %s\n", lib_cube(3), lib_greeting());
  return 0;
}

// CHECK: cube=27 hello from an archive
