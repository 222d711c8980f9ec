; A module that already uses a name with the reserved __llvm_autojit_ prefix
; (here a slot, as in a module the pass already processed) is left untouched:
; the output equals opt's without the plugin, and with AUTOJIT_DEBUG=1 the
; plugin prints one line naming the reserved symbol.
; RUN: rm -rf %t.store
; RUN: export AUTOJIT_CACHE_DIR=%t.store
; RUN: %opt -S %s -o %t.ref.ll
; RUN: env AUTOJIT_DEBUG=1 %opt --load-pass-plugin=%plugin -passes=autojit -S %s -o %t.out.ll 2> %t.err
; RUN: diff %t.ref.ll %t.out.ll
; RUN: count 1 < %t.err
; RUN: FileCheck %s --input-file %t.err -DFILE=%s

; CHECK: {{^}}autojit-plugin: skipped module [[FILE]]: it already uses the reserved name __llvm_autojit_ptr_square{{$}}

target triple = "x86_64-pc-linux-gnu"

@__llvm_autojit_ptr_square = internal global ptr null, align 8

define i32 @square(i32 %x) {
  %r = mul i32 %x, %x
  ret i32 %r
}
