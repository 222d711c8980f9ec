; A module that already defines a function with the reserved __autojit_fn_
; prefix (the name of lazy bodies) is left untouched: the output equals opt's
; without the plugin, and with AUTOJIT_DEBUG=1 the plugin prints one line
; naming the reserved symbol.
; RUN: rm -rf %t.store
; RUN: export AUTOJIT_CACHE_DIR=%t.store
; RUN: %opt -S %s -o %t.ref.ll
; RUN: env AUTOJIT_DEBUG=1 %opt --load-pass-plugin=%plugin -passes=autojit -S %s -o %t.out.ll 2> %t.err
; RUN: diff %t.ref.ll %t.out.ll
; RUN: count 1 < %t.err
; RUN: FileCheck %s --input-file %t.err -DFILE=%s

; CHECK: {{^}}autojit-plugin: skipped module [[FILE]]: it already uses the reserved name __autojit_fn_00000000000000ff{{$}}

target triple = "x86_64-pc-linux-gnu"

define i32 @ordinary(i32 %x) {
  %r = call i32 @__autojit_fn_00000000000000ff(i32 %x)
  ret i32 %r
}

define i32 @__autojit_fn_00000000000000ff(i32 %x) {
  %r = add i32 %x, 1
  ret i32 %r
}
