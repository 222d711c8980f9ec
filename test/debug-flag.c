// clang's -mllvm -autojit-debug turns on the same debug output as
// AUTOJIT_DEBUG=1; without either the plugin prints nothing. clang 19 parses
// -mllvm before it loads -fpass-plugin plugins, so the flag needs the plugin
// loaded early with -fplugin= as well.
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clang -O0 %autojit -c %s -o %t.quiet.o 2> %t.quiet.err
// RUN: count 0 < %t.quiet.err
// RUN: %clang -O0 %autojit -fplugin=%plugin -mllvm -autojit-debug -c %s -o %t.o 2> %t.err
// RUN: FileCheck %s --input-file %t.err -DFILE=%s

// CHECK: {{^}}autojit-plugin: processing module [[FILE]]{{$}}
// CHECK: {{^}}autojit-plugin: lazified answer guid 0x{{[0-9a-f]+}}{{$}}

int answer(void) { return 42; }
