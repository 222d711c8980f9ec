// The function keys beside a lazy module deleted or damaged after the
// build: the first call of a lazified function prints one line naming the
// function, the lazy module and its keys file and telling to rebuild, then
// exits non-zero.
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: env AUTOJIT_DEBUG=1 %clang -O0 %autojit %inputs/lazy-program.c -o %t.exe %rt 2> %t.build.log
// RUN: env AUTOJIT_DISABLE_OBJECT_CACHE=1 %t.exe | FileCheck %s --check-prefix=OK
// RUN: %python %inputs/lazy_file.py corrupt-keys %t.store/modules
// RUN: not %t.exe > %t.out 2> %t.err
// RUN: count 0 < %t.out
// RUN: count 1 < %t.err
// RUN: cat %t.build.log %t.err | FileCheck %s --check-prefixes=CHECK,DAMAGED -DSTORE=%t.store -DSRC=%inputs/lazy-program.c -DRT=%rtprefix
// RUN: %python %inputs/lazy_file.py delete-keys %t.store/modules
// RUN: not %t.exe > %t.out 2> %t.err
// RUN: count 0 < %t.out
// RUN: count 1 < %t.err
// RUN: cat %t.build.log %t.err | FileCheck %s --check-prefixes=CHECK,DELETED -DSTORE=%t.store -DSRC=%inputs/lazy-program.c -DRT=%rtprefix

// OK: compute=42

// CHECK: {{^}}autojit-plugin: lazified main guid 0x[[MAIN:[0-9a-f]+]]{{$}}
// DAMAGED: {{^}}[[RT]] cannot materialize function main (GUID 0x[[MAIN]]): cannot read lazy module [[STORE]]/modules/lazy{{[-_]}}program-[[HASH:[0-9a-f]+]].bc: its keys file [[STORE]]/modules/lazy{{[-_]}}program-[[HASH]].keys is damaged; rebuild [[SRC]] and relink the program{{$}}
// DELETED: {{^}}[[RT]] cannot materialize function main (GUID 0x[[MAIN]]): cannot read lazy module [[STORE]]/modules/lazy{{[-_]}}program-[[HASH:[0-9a-f]+]].bc: its keys file [[STORE]]/modules/lazy{{[-_]}}program-[[HASH]].keys: No such file or directory (os error 2); rebuild [[SRC]] and relink the program{{$}}
