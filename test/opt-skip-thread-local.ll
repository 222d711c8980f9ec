; A module that uses a thread_local variable is left untouched, even though
; it defines functions: the output equals opt's without the plugin, and with
; AUTOJIT_DEBUG=1 the plugin prints one line naming the variable.
; RUN: rm -rf %t.store
; RUN: export AUTOJIT_CACHE_DIR=%t.store
; RUN: %opt -S %s -o %t.ref.ll
; RUN: env AUTOJIT_DEBUG=1 %opt --load-pass-plugin=%plugin -passes=autojit -S %s -o %t.out.ll 2> %t.err
; RUN: diff %t.ref.ll %t.out.ll
; RUN: count 1 < %t.err
; RUN: FileCheck %s --input-file %t.err -DFILE=%s

; CHECK: {{^}}autojit-plugin: skipped module [[FILE]]: it uses the thread-local variable tls_counter{{$}}

target triple = "x86_64-pc-linux-gnu"

@plain = global i32 0
@tls_counter = thread_local global i32 0

define i32 @bump() {
  %v = load i32, ptr @tls_counter
  %n = add i32 %v, 1
  store i32 %n, ptr @tls_counter
  ret i32 %n
}

define i32 @no_tls(i32 %x) {
  ret i32 %x
}
