// A call only lazy code makes still reaches the static linker, as the
// regular build's call does: a function defined nowhere fails the link with
// GNU ld, gold and lld, at -O0 and -O2, in executables and in shared
// libraries under -z defs / --no-undefined, with --gc-sections too; a weak
// reference still links and stays null; a library that only lazy code
// needs stays needed under --as-needed. (autoconf's AC_CHECK_FUNCS links
// exactly the probe below: `configure-probes.test` runs real probes.)
// RUN: rm -rf %t && mkdir %t
// RUN: %clang -O0 -fPIC -shared %inputs/link-needed-lib.c -o %t/libneeded.so
// RUN: %clang -O0 %autojit -DPROBE -c %s -o %t/probe0.o
// RUN: %clang -O2 %autojit -DPROBE -c %s -o %t/probe2.o
// RUN: %clang -O0 -fPIC %autojit -DPROBE_LIBRARY -c %s -o %t/library.o
// RUN: llvm-readelf -r %t/probe0.o | FileCheck --check-prefix=RELOC %s
// RELOC: R_X86_64_GOTPC32 {{.*}} no_such_function_xyz

// RUN: not %clang %t/probe0.o -o %t/probe %rt 2>&1 | FileCheck --check-prefix=MISSING %s
// RUN: not %clang %t/probe2.o -o %t/probe %rt 2>&1 | FileCheck --check-prefix=MISSING %s
// RUN: not %clang %t/probe0.o -o %t/probe %rt -Wl,--gc-sections 2>&1 | FileCheck --check-prefix=MISSING %s
// RUN: not %clang -shared %t/library.o -o %t/library.so -Wl,-z,defs 2>&1 | FileCheck --check-prefix=MISSING %s
// RUN: not %clang -shared %t/library.o -o %t/library.so -Wl,--no-undefined 2>&1 | FileCheck --check-prefix=MISSING %s
// RUN: %if gold %{ not %clang -fuse-ld=gold %t/probe0.o -o %t/probe %rt 2>&1 | FileCheck --check-prefix=MISSING %s %}
// RUN: %if gold %{ not %clang -fuse-ld=gold %t/probe2.o -o %t/probe %rt -Wl,--gc-sections 2>&1 | FileCheck --check-prefix=MISSING %s %}
// RUN: %if gold %{ not %clang -fuse-ld=gold -shared %t/library.o -o %t/library.so -Wl,-z,defs 2>&1 | FileCheck --check-prefix=MISSING %s %}
// RUN: %if lld %{ not %clang -fuse-ld=lld %t/probe0.o -o %t/probe %rt 2>&1 | FileCheck --check-prefix=MISSING %s %}
// RUN: %if lld %{ not %clang -fuse-ld=lld %t/probe2.o -o %t/probe %rt -Wl,--gc-sections 2>&1 | FileCheck --check-prefix=MISSING %s %}
// RUN: %if lld %{ not %clang -fuse-ld=lld -shared %t/library.o -o %t/library.so -Wl,-z,defs 2>&1 | FileCheck --check-prefix=MISSING %s %}
// MISSING: {{undefined (reference to|symbol:) .?no_such_function_xyz}}

// RUN: %clang -O0 %autojit -c %s -o %t/main0.o
// RUN: %clang -O2 %autojit -c %s -o %t/main2.o
// RUN: %clang %t/main0.o -o %t/main -Wl,--as-needed -L%t -lneeded -Wl,-rpath,%t %rt
// RUN: llvm-readelf -d %t/main | FileCheck --check-prefix=NEEDED %s
// RUN: %t/main | FileCheck %s
// RUN: %clang %t/main2.o -o %t/main -Wl,--gc-sections -Wl,--as-needed -L%t -lneeded -Wl,-rpath,%t %rt
// RUN: llvm-readelf -d %t/main | FileCheck --check-prefix=NEEDED %s
// RUN: %t/main | FileCheck %s
// RUN: %if gold %{ %clang -fuse-ld=gold %t/main0.o -o %t/main -Wl,--gc-sections -Wl,--as-needed -L%t -lneeded -Wl,-rpath,%t %rt %}
// RUN: %if gold %{ llvm-readelf -d %t/main | FileCheck --check-prefix=NEEDED %s %}
// RUN: %if gold %{ %t/main | FileCheck %s %}
// RUN: %if lld %{ %clang -fuse-ld=lld %t/main2.o -o %t/main -Wl,--gc-sections -Wl,--as-needed -L%t -lneeded -Wl,-rpath,%t %rt %}
// RUN: %if lld %{ llvm-readelf -d %t/main | FileCheck --check-prefix=NEEDED %s %}
// RUN: %if lld %{ %t/main | FileCheck %s %}
// NEEDED: (NEEDED) Shared library: [libneeded.so]
// CHECK: needed=42 weak=null

#ifdef PROBE
char no_such_function_xyz();
int main(void) { return no_such_function_xyz(); }
#elif defined(PROBE_LIBRARY)
char no_such_function_xyz();
int library_entry(void) { return no_such_function_xyz(); }
#else
#include <stdio.h>
int needed_fn(void);
extern int weak_missing(void) __attribute__((weak));
int main(void) {
  printf("needed=%d weak=%s\n", needed_fn(), weak_missing ? "found" : "null");
  return 0;
}
#endif
