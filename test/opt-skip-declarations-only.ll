; A module that defines no function (only declarations and global variables)
; is left untouched: the output equals opt's without the plugin, and the debug
; log, enabled by AUTOJIT_DEBUG=1 or by opt's -autojit-debug, says why.
; RUN: rm -rf %t.store
; RUN: export AUTOJIT_CACHE_DIR=%t.store
; RUN: %opt -S %s -o %t.ref.ll
; RUN: env AUTOJIT_DEBUG=1 %opt --load-pass-plugin=%plugin -passes=autojit -S %s -o %t.out.ll 2> %t.err
; RUN: diff %t.ref.ll %t.out.ll
; RUN: count 1 < %t.err
; RUN: FileCheck %s --input-file %t.err -DFILE=%s
; RUN: %opt --load-pass-plugin=%plugin -passes=autojit -autojit-debug -S %s -o %t.flag.ll 2> %t.flag.err
; RUN: diff %t.ref.ll %t.flag.ll
; RUN: count 1 < %t.flag.err
; RUN: FileCheck %s --input-file %t.flag.err -DFILE=%s
; Without either, nothing is printed.
; RUN: %opt --load-pass-plugin=%plugin -passes=autojit -S %s -o %t.quiet.ll 2> %t.quiet.err
; RUN: count 0 < %t.quiet.err

; CHECK: {{^}}autojit-plugin: skipped module [[FILE]]: it defines no function to lazify{{$}}

target triple = "x86_64-pc-linux-gnu"

@counter = global i32 0
@table = internal constant [3 x i32] [i32 1, i32 2, i32 3]
@ext_var = external global i32

declare i32 @ext(i32)
declare void @ext_vararg(ptr, ...)
