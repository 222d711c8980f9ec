// A store that other users may write to is refused at compile time, whether
// it is the directory AUTOJIT_CACHE_DIR names or its modules directory: one
// error, from the plugin, that names the directory and says to set
// AUTOJIT_CACHE_DIR; no object file is written.
// RUN: rm -rf %t.store %t.o
// RUN: mkdir -p %t.store/modules
// RUN: chmod 777 %t.store/modules
// RUN: env AUTOJIT_CACHE_DIR=%t.store not %clang -O0 %autojit -c %s -o %t.o 2> %t.err
// RUN: FileCheck %s --input-file %t.err -DSTORE=%t.store/modules
// RUN: not cat %t.o
// RUN: rm -rf %t.store
// RUN: mkdir -p %t.store
// RUN: chmod 777 %t.store
// RUN: env AUTOJIT_CACHE_DIR=%t.store not %clang -O0 %autojit -c %s -o %t.o 2> %t.err
// RUN: FileCheck %s --input-file %t.err -DSTORE=%t.store
// RUN: not cat %t.o

// CHECK: error: autojit-plugin: cannot use autojit store [[STORE]]: writable by other users; set AUTOJIT_CACHE_DIR to a private writable directory{{$}}
// CHECK-NOT: error:
// CHECK: 1 error generated.

int answer(void) { return 42; }
