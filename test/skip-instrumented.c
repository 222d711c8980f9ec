// Instrumentation lazy code does not get yet: MemorySanitizer (recognized
// at the start of the pipeline: the module is compiled as if the plugin
// were not there, identical object, one debug-log line naming the flag) and
// instrumentation that leaves no trace when the pass runs (refused when its
// pass runs, naming the flag): never a silently unchecked build.
// UndefinedBehaviorSanitizer's checks are in the IR already: lazified.
// RUN: rm -rf %t && mkdir -p %t
// RUN: export AUTOJIT_CACHE_DIR=%t/store

// RUN: %clang -O1 -fsanitize=memory -c %s -o %t/msan.ref.o
// RUN: env AUTOJIT_DEBUG=1 %clang -O1 -fsanitize=memory %autojit -c %s -o %t/msan.o 2> %t/msan.err
// RUN: cmp %t/msan.ref.o %t/msan.o
// RUN: FileCheck %s --check-prefix=SKIP-MSAN --input-file %t/msan.err -DFILE=%s
// SKIP-MSAN: {{^}}autojit-plugin: skipped module [[FILE]]: it is built with -fsanitize=memory, whose instrumentation lazy code does not get yet{{$}}

// Profile instrumentation above -O0 shows only when its pass runs: refused.
// RUN: not %clang -O2 -fprofile-generate %autojit -c %s -o %t/pgo.o 2>&1 | FileCheck %s --check-prefix=LATE -DFILE=%s
// RUN: not %clang -O1 -fsanitize-coverage=trace-pc-guard %autojit -c %s -o %t/sancov.o 2>&1 | FileCheck %s --check-prefix=LATE-SANCOV
// LATE: error: autojit-plugin: [[FILE]] is built with -fprofile-generate, whose instrumentation lazy code does not get yet; build this file without the autojit plugin or without -fprofile-generate
// LATE-SANCOV: error: autojit-plugin: {{.*}} is built with -fsanitize-coverage or -fsanitize=fuzzer

// RUN: env AUTOJIT_DEBUG=1 %clang -O0 -fsanitize=undefined %autojit -c %s -o %t/ubsan.o 2>&1 | FileCheck %s --check-prefix=UBSAN
// RUN: %clang -fsanitize=undefined %t/ubsan.o -o %t/ubsan %rt
// RUN: %t/ubsan 2>&1 | FileCheck %s --check-prefix=UBSAN-REPORT
// UBSAN: lazified add_one
// UBSAN-REPORT: runtime error: signed integer overflow: 2147483647 + 1 cannot be represented in type 'int'

#include <limits.h>
#include <stdio.h>

int add_one(int n) { return n + 1; }

int main(void) {
  printf("%d\n", add_one(INT_MAX));
  return 0;
}
