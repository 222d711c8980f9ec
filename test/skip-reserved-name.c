// A C file that already uses a reserved name, a call to the runtime's
// __llvm_autojit_materialize or a function named __autojit_fn_..., is
// compiled as if the plugin were not there: the objects with and without it
// are identical, and with AUTOJIT_DEBUG=1 the plugin prints one line naming
// the reserved symbol.
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clang -O0 -g -c %s -o %t.ref.o
// RUN: env AUTOJIT_DEBUG=1 %clang -O0 -g %autojit -c %s -o %t.o 2> %t.err
// RUN: cmp %t.ref.o %t.o
// RUN: count 1 < %t.err
// RUN: FileCheck %s --input-file %t.err -DFILE=%s --check-prefix=RUNTIME
// RUN: %clang -O0 -g -DBODY -c %s -o %t.ref-body.o
// RUN: env AUTOJIT_DEBUG=1 %clang -O0 -g -DBODY %autojit -c %s -o %t-body.o 2> %t-body.err
// RUN: cmp %t.ref-body.o %t-body.o
// RUN: count 1 < %t-body.err
// RUN: FileCheck %s --input-file %t-body.err -DFILE=%s --check-prefix=BODY

// RUNTIME: {{^}}autojit-plugin: skipped module [[FILE]]: it already uses the reserved name __llvm_autojit_materialize{{$}}
// BODY: {{^}}autojit-plugin: skipped module [[FILE]]: it already uses the reserved name __autojit_fn_helper{{$}}

#ifdef BODY
int __autojit_fn_helper(int x) { return x + 1; }
int user(int x) { return __autojit_fn_helper(x) * 2; }
#else
void *__llvm_autojit_materialize(unsigned long guid, const void *function);
void *lookup(unsigned long guid) { return __llvm_autojit_materialize(guid, lookup); }
#endif
