// A lazy module the object carries (-mllvm -autojit-embed, AUTOJIT_EMBED=1,
// or no store configured at build time): the program runs with the module
// store gone, copying the module out to the run's store on first need, or
// to a private directory under TMPDIR when no store is configured there.
// RUN: rm -rf %t && mkdir -p %t/tmp
// RUN: env AUTOJIT_CACHE_DIR=%t/build-store AUTOJIT_DEBUG=1 %clang -O0 -g %autojit -fplugin=%plugin -mllvm -autojit-embed %inputs/lazy-program.c -o %t/embedded %rt 2> %t/build.log
// RUN: FileCheck %s --check-prefix=BUILD --input-file %t/build.log
// RUN: not ls %t/build-store/modules/lazy-program-*.bc
// RUN: env AUTOJIT_CACHE_DIR=%t/run-store %t/embedded | FileCheck %s --check-prefix=OK
// RUN: ls %t/run-store/modules/lazy-program-*.bc %t/run-store/modules/lazy-program-*.keys
// Warm: the copy and the cached object serve.
// RUN: env AUTOJIT_CACHE_DIR=%t/run-store AUTOJIT_STATS=1 %t/embedded 2> %t/warm.err | FileCheck %s --check-prefix=OK
// RUN: FileCheck %s --check-prefix=WARM --input-file %t/warm.err
// No store at run time either (a standalone daemon copies to its own).
// RUN: env -u HOME -u AUTOJIT_CACHE_DIR -u XDG_CACHE_HOME TMPDIR=%t/tmp %t/embedded | FileCheck %s --check-prefix=OK
// RUN: %if !daemon %{ ls %t/tmp/autojit-*/modules/lazy-program-*.bc %}
// The variable embeds the same; so does a build without any store.
// RUN: env AUTOJIT_CACHE_DIR=%t/build-store %clang -O0 -g %autojit -fplugin=%plugin -mllvm -autojit-embed -c %inputs/lazy-program.c -o %t/flag.o
// RUN: env AUTOJIT_CACHE_DIR=%t/build-store AUTOJIT_EMBED=1 %clang -O0 -g %autojit -c %inputs/lazy-program.c -o %t/variable.o
// RUN: cmp %t/flag.o %t/variable.o
// RUN: env -u HOME -u AUTOJIT_CACHE_DIR -u XDG_CACHE_HOME AUTOJIT_DEBUG=1 %clang -O0 -g %autojit -c %inputs/lazy-program.c -o %t/sandboxed.o 2> %t/sandboxed.log
// RUN: cmp %t/flag.o %t/sandboxed.o
// RUN: FileCheck %s --check-prefix=SANDBOXED --input-file %t/sandboxed.log

// BUILD: embedded the lazy module ({{[0-9]+}} bytes, deflated from {{[0-9]+}})
// OK: compute=42
// WARM: compiled=0 cache-hits=2
// SANDBOXED: no module store is configured (AUTOJIT_CACHE_DIR, XDG_CACHE_HOME or HOME): embedding the lazy module

// No place for the copy: one line naming the module and the store, exit 1.
// RUN: touch %t/not-a-directory
// RUN: env AUTOJIT_CACHE_DIR=%t/not-a-directory AUTOJIT_DISABLE_OBJECT_CACHE=1 not %t/embedded > %t/nowhere.out 2> %t/nowhere.err
// RUN: count 1 < %t/nowhere.err
// RUN: FileCheck %s --check-prefix=NOWHERE --input-file %t/nowhere.err -DSTORE=%t/not-a-directory
// NOWHERE: cannot materialize function main (GUID 0x{{[0-9a-f]+}}): cannot read lazy module lazy{{[-_]}}program-{{[0-9a-f]+}}.bc: a place for the copy of the lazy module the program carries: cannot use autojit store [[STORE]]
