; Lazy code reaches a thread-local variable through an accessor the static
; module defines: the lazy module calls it where the body called
; llvm.threadlocal.address, or used the variable directly (clang does for
; the guard of a thread_local static local). A function that uses the
; variable's address in a constant expression keeps its body in the static
; module.
; RUN: rm -rf %t.store
; RUN: export AUTOJIT_CACHE_DIR=%t.store
; RUN: env AUTOJIT_DEBUG=1 %opt --load-pass-plugin=%plugin -passes=autojit -S %s -o %t.out.ll 2> %t.err
; RUN: FileCheck %s --check-prefix=STATIC --input-file %t.out.ll
; RUN: FileCheck %s --check-prefix=LOG --input-file %t.err
; RUN: llvm-dis %t.store/modules/opt-thread-local-*.bc -o - | FileCheck %s --check-prefix=LAZY

; LOG: lazy code reaches 2 thread-local variables through accessors
; LOG: lazified bump
; LOG: lazified guarded
; LOG-NOT: lazified offset_address
; STATIC: define ptr @offset_address()
; STATIC: define linkonce_odr hidden ptr @__llvm_autojit_tls.tls_counter() comdat
; STATIC-NEXT: entry:
; STATIC-NEXT: call ptr @llvm.threadlocal.address.p0(ptr @tls_counter)
; LAZY: define i32 @__autojit_fn_
; LAZY-NOT: threadlocal.address
; LAZY: call ptr @__llvm_autojit_tls.tls_counter()
; LAZY: define i8 @__autojit_fn_
; LAZY-NEXT: %1 = call ptr @__llvm_autojit_tls.tls_guard()
; LAZY-NEXT: %g = load i8, ptr %1
; LAZY: declare hidden ptr @__llvm_autojit_tls.tls_counter() #[[ATTRS:[0-9]+]]
; LAZY: attributes #[[ATTRS]] = { nounwind willreturn memory(none) }

target triple = "x86_64-pc-linux-gnu"

@tls_counter = thread_local global i32 0
@tls_pair = thread_local global [2 x i32] zeroinitializer
@tls_guard = thread_local global i8 0

define i32 @bump() {
  %p = call ptr @llvm.threadlocal.address.p0(ptr @tls_counter)
  %v = load i32, ptr %p
  %n = add i32 %v, 1
  store i32 %n, ptr %p
  ret i32 %n
}

define i8 @guarded() {
  %g = load i8, ptr @tls_guard
  store i8 1, ptr @tls_guard
  ret i8 %g
}

define ptr @offset_address() {
  ret ptr getelementptr (i32, ptr @tls_pair, i64 1)
}

declare ptr @llvm.threadlocal.address.p0(ptr)
