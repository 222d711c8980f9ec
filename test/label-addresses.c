// Functions that take label addresses (computed goto, as in interpreters).
// A constant table of a function's labels that only that function uses
// moves with the body into the lazy module; any other use of its label
// addresses keeps the function in the static object, with a log line saying
// why. Every function runs as in a regular build, at -O0 and -O2.
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clang -O0 %s -o %t.regular && %t.regular > %t.expected
// RUN: env AUTOJIT_DEBUG=1 %clang -O0 %autojit -c %s -o %t.O0.o 2> %t.O0.log
// RUN: FileCheck --check-prefixes=LOG,LOG-NOT %s < %t.O0.log
// RUN: FileCheck --check-prefixes=LAZY,LAZY-NOT %s < %t.store/modules/label-addresses.ll
// RUN: FileCheck --check-prefixes=STATIC,STATIC-NOT %s < %t.store/modules/label-addresses_static.ll
// RUN: %clang %t.O0.o -o %t.O0 %rt && %t.O0 > %t.O0.out
// RUN: diff %t.expected %t.O0.out
// RUN: env AUTOJIT_DEBUG=1 %clang -O2 %autojit -c %s -o %t.O2.o 2> %t.O2.log
// RUN: FileCheck --check-prefixes=LOG,LOG-NOT %s < %t.O2.log
// RUN: %clang %t.O2.o -o %t.O2 %rt && %t.O2 > %t.O2.out
// RUN: diff %t.expected %t.O2.out
// RUN: FileCheck %s < %t.O2.out

#include <stdio.h>

enum { OP_PUSH, OP_ADD, OP_MUL, OP_PRINT, OP_HALT };

// The interpreter's dispatch table moves with its body.
int run(const int *code) {
  static const void *const disptab[] = {&&L_PUSH, &&L_ADD, &&L_MUL, &&L_PRINT,
                                        &&L_HALT};
  int stack[16], sp = 0;
  const int *pc = code;
#define DISPATCH() goto *disptab[*pc++]
  DISPATCH();
L_PUSH:
  stack[sp++] = *pc++;
  DISPATCH();
L_ADD:
  sp--;
  stack[sp - 1] += stack[sp];
  DISPATCH();
L_MUL:
  sp--;
  stack[sp - 1] *= stack[sp];
  DISPATCH();
L_PRINT:
  printf("run: %d\n", stack[sp - 1]);
  DISPATCH();
L_HALT:
  return stack[sp - 1];
}

// A local function with a table: one body (promoted), lazified with it.
static int classify(int c) {
  static const void *const kinds[] = {&&zero, &&one, &&many};
  goto *kinds[c > 1 ? 2 : c];
zero:
  return 100;
one:
  return 101;
many:
  return 102;
}

// A writable table (CPython's opcode_targets are declared so) stays with the
// body in the static object.
int writable(int i) {
  static void *targets[] = {&&first, &&second};
  goto *targets[i & 1];
first:
  return 200;
second:
  return 201;
}

// A table that something else refers to, here another constant.
int shared(int i) {
  static const void *const table[] = {&&first, &&second};
  static const void *const *const alias = table;
  goto *alias[i & 1];
first:
  return 300;
second:
  return 301;
}

// A local function kept static: lazy code calls the program's copy.
static int local_writable(int i) {
  static void *targets[] = {&&first, &&second};
  goto *targets[i & 1];
first:
  return 400;
second:
  return 401;
}

// A label address used as a value in its own body moves with it.
int own_label(void) {
  void *where = &&done;
  goto *where;
done:
  return 500;
}

int main(void) {
  static const int prog[] = {OP_PUSH, 6, OP_PUSH, 7, OP_MUL, OP_PRINT,
                             OP_PUSH, 1, OP_ADD, OP_PRINT, OP_HALT};
  printf("result: %d\n", run(prog));
  printf("classify: %d %d %d\n", classify(0), classify(1), classify(5));
  printf("writable: %d %d\n", writable(0), writable(1));
  printf("shared: %d %d\n", shared(0), shared(1));
  printf("local: %d %d\n", local_writable(0), local_writable(1));
  printf("own: %d\n", own_label());
  return 0;
}

// CHECK: run: 42
// CHECK-NEXT: run: 43
// CHECK-NEXT: result: 43
// CHECK-NEXT: classify: 100 101 102
// CHECK-NEXT: writable: 200 201
// CHECK-NEXT: shared: 300 301
// CHECK-NEXT: local: 400 401
// CHECK-NEXT: own: 500

// LOG-DAG: autojit-plugin: kept writable in the static object: its label addresses are in the writable global writable.targets
// LOG-DAG: autojit-plugin: kept shared in the static object: its label table shared.table is used outside it
// LOG-DAG: autojit-plugin: kept local_writable in the static object: its label addresses are in the writable global local_writable.targets
// LOG-DAG: autojit-plugin: promoted local_writable to local_writable.autojit.
// LOG-DAG: autojit-plugin: promoted classify to classify.autojit.
// LOG-DAG: autojit-plugin: lazified run guid
// LOG-DAG: autojit-plugin: lazified classify.autojit.{{[0-9a-f]+}} guid
// LOG-DAG: autojit-plugin: lazified own_label guid
// LOG-DAG: autojit-plugin: lazified main guid
// LOG-NOT-NOT: promoted run.disptab
// LOG-NOT-NOT: promoted classify.kinds
// LOG-NOT-NOT: lazified writable
// LOG-NOT-NOT: lazified shared
// LOG-NOT-NOT: lazified local_writable

// The tables live in the lazy module, pointing into the bodies.
// LAZY-DAG: @run.disptab = internal constant [5 x ptr] [ptr blockaddress(@__autojit_fn_[[RUNBODY:[0-9a-f]+]],
// LAZY-DAG: @classify.kinds = internal constant [3 x ptr] [ptr blockaddress(@__autojit_fn_[[CLASSIFYBODY:[0-9a-f]+]],
// LAZY-DAG: define {{.*}} @__autojit_fn_[[RUNBODY]](
// LAZY-DAG: define {{.*}} @__autojit_fn_[[CLASSIFYBODY]](
// LAZY-NOT-NOT: blockaddress(@writable
// LAZY-NOT-NOT: blockaddress(@shared
// LAZY-NOT-NOT: blockaddress(@local_writable

// The static object keeps the pinned functions with their tables, and no
// moved table.
// STATIC-DAG: @writable.targets.autojit.{{[0-9a-f]+}} = hidden global [2 x ptr] [ptr blockaddress(@writable,
// STATIC-DAG: @shared.table.autojit.{{[0-9a-f]+}} = hidden constant [2 x ptr] [ptr blockaddress(@shared,
// STATIC-DAG: @local_writable.targets.autojit.{{[0-9a-f]+}} = hidden global [2 x ptr] [ptr blockaddress(@local_writable.autojit.
// STATIC-DAG: define {{.*}}i32 @writable(
// STATIC-DAG: define {{.*}}i32 @shared(
// STATIC-DAG: define {{.*}}i32 @local_writable.autojit.
// STATIC-NOT-NOT: disptab
// STATIC-NOT-NOT: classify.kinds
// STATIC-NOT-NOT: inttoptr (i32 1 to ptr)
