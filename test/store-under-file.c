// AUTOJIT_CACHE_DIR under a regular file: compiling with the plugin fails
// with one error, from the plugin, that names the directory and says to set
// AUTOJIT_CACHE_DIR; no object file is written.
// RUN: rm -rf %t.file %t.o
// RUN: echo not a directory > %t.file
// RUN: env AUTOJIT_CACHE_DIR=%t.file/store not %clang -O0 %autojit -c %s -o %t.o 2> %t.err
// RUN: FileCheck %s --input-file %t.err -DSTORE=%t.file/store
// RUN: not cat %t.o
// The regular file itself as the store fails the same way.
// RUN: env AUTOJIT_CACHE_DIR=%t.file not %clang -O0 %autojit -c %s -o %t.o 2> %t.err
// RUN: FileCheck %s --input-file %t.err -DSTORE=%t.file

// CHECK: error: autojit-plugin: cannot use autojit store [[STORE]]{{(/modules)?}}: {{.*}}; set AUTOJIT_CACHE_DIR to a private writable directory{{$}}
// CHECK-NOT: error:
// CHECK: 1 error generated.

int answer(void) { return 42; }
