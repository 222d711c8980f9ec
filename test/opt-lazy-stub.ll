; The pass through opt: every externally visible body becomes a naked stub
; that jumps through its record, and a priority-100 constructor registers
; the module. Optimizing the result leaves the stubs and their static
; callers alone: no stub is inlined, and nothing is inferred from a body it
; no longer has.
; RUN: %opt --load-pass-plugin=%plugin -passes=autojit -S %s -o - | FileCheck %s
; RUN: %opt --load-pass-plugin=%plugin -passes='autojit,default<O2>' -S %s -o - | FileCheck --check-prefix=O2 %s

target triple = "x86_64-pc-linux-gnu"

@g = global i32 7
@out = global i32 0

$inl = comdat any

define i32 @square(i32 %x) nounwind {
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

define linkonce_odr i32 @inl(i32 %x) comdat {
  %r = add i32 %x, 1
  ret i32 %r
}

; A static initializer stays in the program and calls lazified functions.
define internal void @init() {
  %a = call i32 @square(i32 3)
  %b = call i32 @inl(i32 %a)
  store i32 %b, ptr @out
  ret void
}

@llvm.global_ctors = appending global [1 x { i32, ptr, ptr }] [{ i32, ptr, ptr } { i32 65535, ptr @init, ptr null }]

; CHECK: @__llvm_autojit_module = private unnamed_addr constant { i64, ptr, ptr, [2 x i64], i64, ptr, i64, ptr } { i64 1, ptr @__llvm_autojit_lazy_path, ptr @__llvm_autojit_source_path, [2 x i64] [i64 {{-?[0-9]+}}, i64 {{-?[0-9]+}}], i64 5,
; CHECK: @llvm.global_ctors = appending global [2 x { i32, ptr, ptr }] [{ i32, ptr, ptr } { i32 65535, ptr @init, ptr null }, { i32, ptr, ptr } { i32 100, ptr @__llvm_autojit_module_ctor, ptr null }]

; The stub: the jump, the entry that hands the record to the resolver, and
; the record (target, GUID) in a data section of the function's own.
; CHECK-LABEL: define i32 @square(i32 %x)
; CHECK-SAME:    #[[STUB_NOUNWIND:[0-9]+]] {
; CHECK-NEXT:  stub:
; CHECK-NEXT:    call void asm sideeffect "jmp *2f(%rip)\0A1:\0Alea 2f(%rip), %r11\0Ajmp *__llvm_autojit_resolve@GOTPCREL(%rip)\0A.pushsection .data.rel.local.__llvm_autojit,\22aw\22,@progbits\0A.p2align 3\0A2:\0A.quad 1b\0A.quad 0x{{[0-9a-f]+}}\0A.popsection", ""()
; CHECK-NEXT:    unreachable

; CHECK-LABEL: define void @vararg(ptr %fmt, ...)
; CHECK-SAME:    #[[STUB:[0-9]+]] {

; The local helper is only called, from a lazified body: at -O0 (opt's
; level for the pass) it is promoted and lazified on its own.
; CHECK-NOT: define internal i32 @helper
; CHECK-LABEL: define hidden i32 @helper.autojit.{{[0-9a-f]+}}()
; CHECK-NEXT:  stub:

; A COMDAT function's record is in its group: kept or discarded with it.
; CHECK-LABEL: define linkonce_odr i32 @inl(i32 %x)
; CHECK-SAME:    #[[STUB]] comdat {
; CHECK:         .pushsection .data.rel.local.__llvm_autojit,\22awG\22,@progbits,\22inl\22,comdat

; CHECK-LABEL: define internal void @__llvm_autojit_module_ctor()
; CHECK-NEXT:  entry:
; CHECK-NEXT:    call void @__llvm_autojit_register(ptr @__llvm_autojit_module)

; CHECK: attributes #[[STUB_NOUNWIND]] = { minsize naked noinline nounwind }
; CHECK: attributes #[[STUB]] = { minsize naked noinline }

; O2-LABEL: define i32 @square(i32 %x)
; O2-NEXT:  stub:
; O2-NEXT:    tail call void asm sideeffect "jmp *2f(%rip)
; O2-LABEL: define internal void @init()
; O2-NEXT:    %a = tail call i32 @square(i32 3)
; O2-NEXT:    %b = tail call i32 @inl(i32 %a)
; O2-NEXT:    store i32 %b, ptr @out
