// AUTOJIT_DEBUG=1 makes the runtime log registration, module loading and one
// line per materialized function: name, GUID, address, compiled or cached.
// The engine logs where it runs: with a shared standalone daemon, in that
// daemon's log (test/remote/standalone-debug.c).
// UNSUPPORTED: daemon
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clang -O0 %autojit %s -o %t.exe %rt
// RUN: env AUTOJIT_DEBUG=1 %t.exe 2>&1 | FileCheck %s -DRT=%rtprefix -DENGINE=%engineprefix
// RUN: env AUTOJIT_DEBUG=On %t.exe 2>&1 | FileCheck --check-prefix=CACHED %s
// Without the variable the runtime is silent.
// RUN: %t.exe 2>&1 | FileCheck --check-prefix=QUIET %s

#include <stdio.h>

int helper(int x) { return x * 7; }
int main(void) {
  printf("helper=%d\n", helper(6));
  return 0;
}

// CHECK: [[RT]] registered {{.*}}/modules/debug-runtime-{{[0-9a-f]+}}.bc (2 functions)
// CHECK: [[ENGINE]] loaded lazy module {{.*}}/modules/debug-runtime-{{[0-9a-f]+}}.bc
// CHECK: [[ENGINE]] materialized main (guid 0x{{[0-9a-f]+}}) at 0x{{[0-9a-f]+}}, compiled in {{[0-9.]+}} ms
// CHECK: [[ENGINE]] materialized helper (guid 0x{{[0-9a-f]+}}) at 0x{{[0-9a-f]+}}, compiled in {{[0-9.]+}} ms
// CHECK: helper=42
// CACHED: materialized main (guid 0x{{[0-9a-f]+}}) at 0x{{[0-9a-f]+}}, from cache
// QUIET-NOT: autojit
// QUIET: helper=42
// QUIET-NOT: autojit
