// A binary whose carried lazy module is damaged (bytes that do not inflate,
// a stream cut short, or one that inflates to other bytes) stops at the
// first lazy call with one line naming the module and what is wrong, exit 1;
// nothing is copied into the store. The damage is done at registration, by
// a wrapper linked into the program.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %clang -O0 -I%S/../include -c %inputs/damage-embedded.c -o %t/damage.o
// RUN: env AUTOJIT_CACHE_DIR=%t/build-store %clang -O0 %autojit -fplugin=%plugin -mllvm -autojit-embed -c %inputs/lazy-program.c -o %t/program.o
// RUN: %clang %t/program.o %t/damage.o -Wl,--wrap=__llvm_autojit_register -o %t/program %rt
// RUN: env AUTOJIT_CACHE_DIR=%t/intact %t/program | FileCheck %s --check-prefix=OK
// OK: compute=42

// RUN: env DAMAGE=garbage AUTOJIT_CACHE_DIR=%t/garbage not %t/program > %t/garbage.out 2> %t/garbage.err
// RUN: count 1 < %t/garbage.err
// RUN: FileCheck %s --check-prefix=GARBAGE --input-file %t/garbage.err -DPREFIX=%rtprefix
// GARBAGE: [[PREFIX]] cannot materialize function main (GUID 0x{{[0-9a-f]+}}): lazy module lazy{{[-_]}}program-{{[0-9a-f]+}}.bc is not valid bitcode (the program's copy of it does not inflate
// RUN: not ls %t/garbage/modules/lazy-program-*.bc

// RUN: env DAMAGE=truncated AUTOJIT_CACHE_DIR=%t/truncated not %t/program > %t/truncated.out 2> %t/truncated.err
// RUN: count 1 < %t/truncated.err
// RUN: FileCheck %s --check-prefix=GARBAGE --input-file %t/truncated.err -DPREFIX=%rtprefix
// RUN: not ls %t/truncated/modules/lazy-program-*.bc

// RUN: env DAMAGE=other AUTOJIT_CACHE_DIR=%t/other not %t/program > %t/other.out 2> %t/other.err
// RUN: count 1 < %t/other.err
// RUN: FileCheck %s --check-prefix=OTHER --input-file %t/other.err -DPREFIX=%rtprefix
// OTHER: [[PREFIX]] cannot materialize function main (GUID 0x{{[0-9a-f]+}}): lazy module lazy{{[-_]}}program-{{[0-9a-f]+}}.bc changed after the build
// RUN: not ls %t/other/modules/lazy-program-*.bc
