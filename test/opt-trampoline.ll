; The pass through opt: every externally visible body becomes a declaration
; whose symbol module-level assembly defines (the trampoline that jumps
; through its record), and a priority-100 constructor registers the module.
; Optimizing the result leaves the trampolines and their static callers
; alone: a declaration cannot be inlined, and nothing is inferred from a body
; it no longer has.
; RUN: %opt --load-pass-plugin=%plugin -passes=autojit -S %s -o - | FileCheck %s
; RUN: %opt --load-pass-plugin=%plugin -passes='autojit,default<O2>' -S %s -o - | FileCheck --check-prefix=O2 %s
; The case study's spelling of the pass's name works too.
; RUN: %opt --load-pass-plugin=%plugin -passes=AutoJIT -S %s -o - | FileCheck %s

target triple = "x86_64-pc-linux-gnu"

@g = global i32 7
@out = global i32 0

$inl = comdat any

; What the body was (a pure function) says nothing about the trampoline.
define i32 @square(i32 %x) nounwind willreturn memory(none) {
  %r = mul i32 %x, %x
  ret i32 %r
}

; An alias cannot point at a declaration: it becomes assembly too.
@square_alias = alias i32 (i32), ptr @square
@local_alias = internal alias i32 (i32), ptr @square

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
  %unused = call i32 @square(i32 4)
  %c = call i32 @square_alias(i32 5)
  %d = call i32 @local_alias(i32 6)
  ret void
}

@llvm.global_ctors = appending global [1 x { i32, ptr, ptr }] [{ i32, ptr, ptr } { i32 65535, ptr @init, ptr null }]

; The trampoline: its symbol as the definition had it, the jump, the entry
; that hands the record to the resolver, and the record (target, GUID) in a
; data section the module's records share.
; CHECK:      module asm ".pushsection .text"
; CHECK-NEXT: module asm ".globl \22square\22"
; CHECK-NEXT: module asm ".type \22square\22,@function"
; CHECK-NEXT: module asm "\22square\22:"
; CHECK-NEXT: module asm "jmp *2f(%rip)"
; CHECK-NEXT: module asm "1:"
; CHECK-NEXT: module asm "lea 2f(%rip), %r11"
; CHECK-NEXT: module asm "jmp *__llvm_autojit_resolve@GOTPCREL(%rip)"
; CHECK-NEXT: module asm ".size \22square\22, . - \22square\22"
; CHECK-NEXT: module asm ".popsection"
; CHECK-NEXT: module asm ".pushsection .data.rel.local.__llvm_autojit,\22aw\22,@progbits"
; CHECK-NEXT: module asm ".p2align 3"
; CHECK-NEXT: module asm "2:"
; CHECK-NEXT: module asm ".quad 1b"
; CHECK-NEXT: module asm ".quad 0x{{[0-9a-f]+}}"
; CHECK-NEXT: module asm ".popsection"

; A function that may throw keeps an FDE.
; CHECK:      module asm "\22vararg\22:"
; CHECK-NEXT: module asm ".cfi_startproc"

; The local helper is only called, from a lazified body: at -O0 (opt's
; level for the pass) it is promoted and lazified on its own.
; CHECK:      module asm ".hidden \22helper.autojit.{{[0-9a-f]+}}\22"

; A COMDAT function's trampoline and record are in its group: kept or
; discarded with it.
; CHECK:      module asm ".pushsection \22.text.inl\22,\22axG\22,@progbits,\22inl\22,comdat"
; CHECK-NEXT: module asm ".weak \22inl\22"
; CHECK:      module asm ".pushsection .data.rel.local.__llvm_autojit,\22awG\22,@progbits,\22inl\22,comdat"

; CHECK:      module asm ".globl \22square_alias\22"
; CHECK-NEXT: module asm ".type \22square_alias\22,@function"
; CHECK-NEXT: module asm ".set \22square_alias\22, \22square\22"
; CHECK-NEXT: module asm ".type \22local_alias\22,@function"
; CHECK-NEXT: module asm ".set \22local_alias\22, \22square\22"

; CHECK: @__llvm_autojit_module = private unnamed_addr constant { i64, ptr, ptr, ptr, [2 x i64], i64, ptr, i64, ptr, ptr, i64, ptr, i64 } { i64 3, ptr @__llvm_autojit_lazy_path, ptr @__llvm_autojit_source_path, ptr @__llvm_autojit_source_identity, [2 x i64] [i64 {{-?[0-9]+}}, i64 {{-?[0-9]+}}], i64 5,
; CHECK: @llvm.global_ctors = appending global [2 x { i32, ptr, ptr }] [{ i32, ptr, ptr } { i32 65535, ptr @init, ptr null }, { i32, ptr, ptr } { i32 100, ptr @__llvm_autojit_module_ctor, ptr null }]
; CHECK-NOT: alias

; CHECK:      declare i32 @square(i32) #[[NOUNWIND:[0-9]+]]
; CHECK:      declare void @vararg(ptr, ...){{$}}
; CHECK-NOT:  define internal i32 @helper
; CHECK:      declare hidden i32 @helper.autojit.{{[0-9a-f]+}}(){{$}}
; CHECK:      declare i32 @uses_helper(){{$}}
; CHECK:      declare i32 @inl(i32){{$}}

; Calls through an alias keep its name (another object may override it);
; a local alias is its target.
; CHECK-LABEL: define internal void @init()
; CHECK:         %c = call i32 @square_alias(i32 5)
; CHECK-NEXT:    %d = call i32 @square(i32 6)

; CHECK-LABEL: define internal void @__llvm_autojit_module_ctor()
; CHECK-NEXT:  entry:
; CHECK-NEXT:    call void @__llvm_autojit_register(ptr @__llvm_autojit_module)

; CHECK: declare i32 @square_alias(i32) #[[NOUNWIND]]
; CHECK: attributes #[[NOUNWIND]] = { nounwind }

; The optimizer keeps every call: even the one whose result is unused.
; O2:      declare i32 @square(i32) local_unnamed_addr #[[NOUNWIND:[0-9]+]]
; O2-LABEL: define internal void @init()
; O2-NEXT:    %a = tail call i32 @square(i32 3)
; O2-NEXT:    %b = tail call i32 @inl(i32 %a)
; O2-NEXT:    store i32 %b, ptr @out
; O2-NEXT:    %unused = tail call i32 @square(i32 4)
; O2-NEXT:    %c = tail call i32 @square_alias(i32 5)
; O2-NEXT:    %d = tail call i32 @square(i32 6)
; O2: attributes #[[NOUNWIND]] = { nounwind }
