// AUTOJIT_DEBUG=1 makes the plugin log each decision on stderr and write the
// module as clang made it (<stem>_incoming.ll), the lazy module (<stem>.ll)
// and the static module (<stem>_static.ll) next to the lazy module in the
// store. The log, then the three files, are checked as one stream so that
// names and GUIDs in the log can be matched in the files. The local helper
// is promoted and lazified on its own (test/local-functions.c), and at -O1
// each small lazified function keeps an inlinable copy in the lazy module
// (test/inlinable-copies.c).
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: env AUTOJIT_DEBUG=1 %clang -O1 %autojit -c %s -o %t.o 2> %t.err
// RUN: cat %t.err %t.store/modules/debug-output_incoming.ll %t.store/modules/debug-output.ll %t.store/modules/debug-output_static.ll | FileCheck %s -DFILE=%s -DSTORE=%t.store
// Without AUTOJIT_DEBUG, no log and no .ll files; the lazy module is the same.
// RUN: rm -rf %t.store
// RUN: %clang -O1 %autojit -c %s -o %t.quiet.o 2> %t.quiet.err
// RUN: count 0 < %t.quiet.err
// RUN: not cat %t.store/modules/debug-output_incoming.ll
// RUN: not cat %t.store/modules/debug-output.ll
// RUN: not cat %t.store/modules/debug-output_static.ll
// RUN: cmp %t.o %t.quiet.o

static int hits;
static int helper(int x) { return x + 1; }

int tick(int x) {
  hits++;
  return helper(x) + hits;
}

void reset(void) { hits = 0; }

// The log.
// CHECK: {{^}}autojit-plugin: processing module [[FILE]]{{$}}
// CHECK: {{^}}autojit-plugin: wrote [[STORE]]/modules/debug-output_incoming.ll{{$}}
// CHECK: {{^}}autojit-plugin: promoted hits to [[HITS:hits\.autojit\.[0-9a-f]+]]{{$}}
// CHECK: {{^}}autojit-plugin: promoted helper to [[HELPER:helper\.autojit\.[0-9a-f]+]]{{$}}
// CHECK: {{^}}autojit-plugin: gave 3 small lazified functions an inlinable copy{{$}}
// CHECK: {{^}}autojit-plugin: wrote [[STORE]]/modules/debug-output.ll{{$}}
// CHECK: {{^}}autojit-plugin: wrote lazy module [[STORE]]/modules/[[LAZY:debug[-_]output-[0-9a-f]+\.bc]]{{$}}
// CHECK-DAG: {{^}}autojit-plugin: lazified tick guid 0x[[TICK:[0-9a-f]{16}]]{{$}}
// CHECK-DAG: {{^}}autojit-plugin: lazified reset guid 0x[[RESET:[0-9a-f]{16}]]{{$}}
// CHECK-DAG: {{^}}autojit-plugin: lazified [[HELPER]] guid 0x{{[0-9a-f]+}}{{$}}
// CHECK: {{^}}autojit-plugin: wrote [[STORE]]/modules/debug-output_static.ll{{$}}

// The module as clang made it.
// CHECK-LABEL: ; ModuleID =
// CHECK: @hits = internal global i32 0
// CHECK-DAG: define internal i32 @helper(
// CHECK-DAG: define dso_local i32 @tick(
// CHECK-DAG: call i32 @helper(
// CHECK-DAG: define dso_local void @reset(

// The lazy module: the bodies, named after their GUIDs, an inlinable copy of
// each under its source name, and the promoted variable declared.
// CHECK-LABEL: ; ModuleID =
// CHECK-DAG: @[[HITS]] = external global i32
// CHECK-DAG: define {{.*}}i32 @__autojit_fn_[[TICK]](i32 {{.*}}) #[[TICKATTR:[0-9]+]] {
// CHECK-DAG: define {{.*}}void @__autojit_fn_[[RESET]]() #[[RESETATTR:[0-9]+]] {
// CHECK-DAG: define available_externally i32 @[[HELPER]](
// CHECK-DAG: define available_externally i32 @tick(
// CHECK-DAG: define available_externally void @reset(
// CHECK-DAG: attributes #[[TICKATTR]] = { {{.*}}"autojit-name"="tick"
// CHECK-DAG: attributes #[[RESETATTR]] = { {{.*}}"autojit-name"="reset"
// CHECK-DAG: !{i32 2, !"autojit-opt-level", i32 1}

// The static module: trampolines in module assembly jumping to the resolver,
// the lazified functions declared, the promoted variable defined, the
// descriptor naming the lazy module the log named.
// CHECK-LABEL: ; ModuleID =
// CHECK: module asm "\22tick\22:"
// CHECK-NEXT: module asm "jmp *2f(%rip)"
// CHECK: module asm "jmp *__llvm_autojit_resolve@GOTPCREL(%rip)"
// CHECK: module asm "\22reset\22:"
// CHECK-NEXT: module asm "jmp *2f(%rip)"
// CHECK-DAG: @[[HITS]] = hidden global i32 0
// CHECK-DAG: @__llvm_autojit_lazy_path = private unnamed_addr constant [{{[0-9]+}} x i8] c"[[STORE]]/modules/[[LAZY]]\00"
// CHECK-DAG: @llvm.global_ctors = appending global {{.*}} @__llvm_autojit_module_ctor
// CHECK-DAG: declare dso_local i32 @tick(
// CHECK-DAG: declare dso_local void @reset(
