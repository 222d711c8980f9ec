; The pass through opt: every externally visible body becomes a static frame
; with a patchable slot, and a priority-100 constructor registers the module.
; RUN: %opt --load-pass-plugin=%plugin -passes=autojit -S %s -o - | FileCheck %s

target triple = "x86_64-pc-linux-gnu"

@g = global i32 7

define i32 @square(i32 %x) {
  %r = mul i32 %x, %x
  ret i32 %r
}

define void @vararg(ptr %fmt, ...) {
  ret void
}

define internal i32 @helper() {
  ret i32 1
}

define i32 @uses_helper() {
  %v = call i32 @helper()
  ret i32 %v
}

; CHECK: @__llvm_autojit_ptr_square = internal global ptr null, align 8
; CHECK: @__llvm_autojit_module = private unnamed_addr constant { i64, ptr, ptr, [2 x i64], i64, ptr, i64, ptr } { i64 1, ptr @__llvm_autojit_lazy_path, ptr @__llvm_autojit_source_path, [2 x i64] [i64 {{-?[0-9]+}}, i64 {{-?[0-9]+}}], i64 3,
; CHECK: @llvm.global_ctors = appending global [1 x { i32, ptr, ptr }] [{ i32, ptr, ptr } { i32 100, ptr @__llvm_autojit_module_ctor, ptr null }]

; CHECK-LABEL: define i32 @square(i32 %x)
; CHECK-NEXT:  entry:
; CHECK-NEXT:    %guid.addr = alloca ptr, align 8
; CHECK-NEXT:    %fn = load atomic ptr, ptr @__llvm_autojit_ptr_square acquire, align 8
; CHECK-NEXT:    %0 = icmp eq ptr %fn, null
; CHECK-NEXT:    br i1 %0, label %materialize, label %call
; CHECK:       materialize:
; CHECK-NEXT:    store ptr inttoptr (i64 {{-?[0-9]+}} to ptr), ptr %guid.addr, align 8
; CHECK-NEXT:    call void @__llvm_autojit_materialize(ptr %guid.addr)
; CHECK-NEXT:    %compiled = load ptr, ptr %guid.addr, align 8
; CHECK-NEXT:    store atomic ptr %compiled, ptr @__llvm_autojit_ptr_square release, align 8
; CHECK-NEXT:    br label %call
; CHECK:       call:
; CHECK-NEXT:    %target = phi ptr [ %fn, %entry ], [ %compiled, %materialize ]
; CHECK-NEXT:    %1 = musttail call i32 %target(i32 %x)
; CHECK-NEXT:    ret i32 %1

; Varargs are forwarded by the musttail call.
; CHECK-LABEL: define void @vararg(ptr %fmt, ...)
; CHECK:         musttail call void (ptr, ...) %target(ptr %fmt, ...)

; The local helper is only called from a lazified body: it leaves the program.
; CHECK-NOT: define internal i32 @helper

; CHECK-LABEL: define internal void @__llvm_autojit_module_ctor()
; CHECK-NEXT:  entry:
; CHECK-NEXT:    call void @__llvm_autojit_register(ptr @__llvm_autojit_module)
