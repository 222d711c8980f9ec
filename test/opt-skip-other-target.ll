; A module for a target without a lazy function trampoline (anything but
; x86-64 ELF) is left untouched, with one line saying why under
; AUTOJIT_DEBUG=1.
; RUN: rm -rf %t.store
; RUN: export AUTOJIT_CACHE_DIR=%t.store
; RUN: %opt -S %s -o %t.ref.ll
; RUN: env AUTOJIT_DEBUG=1 %opt --load-pass-plugin=%plugin -passes=autojit -S %s -o %t.out.ll 2> %t.err
; RUN: diff %t.ref.ll %t.out.ll
; An LLVM built without the target's backend (an X86-only tree) adds opt's
; own warnings about it; the plugin says one line.
; RUN: grep autojit-plugin %t.err | count 1
; RUN: grep autojit-plugin %t.err | FileCheck %s -DFILE=%s

; CHECK: {{^}}autojit-plugin: skipped module [[FILE]]: its target aarch64-unknown-linux-gnu has no lazy function trampoline (x86-64 ELF only){{$}}

target triple = "aarch64-unknown-linux-gnu"

define i32 @square(i32 %x) {
  %r = mul i32 %x, %x
  ret i32 %r
}
