// A module built with an instrumentation lazy code does not get yet is
// compiled as if the plugin were not there (identical object, one debug-log
// line naming the flag), so AddressSanitizer reports a heap overflow as in
// the regular build, and source-based coverage and gcov count as in the
// regular build. Instrumentation that leaves no trace when the pass runs is
// refused when its pass runs, naming the flag: never a silently unchecked
// build.
// RUN: rm -rf %t && mkdir -p %t/regular %t/autojit
// RUN: export AUTOJIT_CACHE_DIR=%t/store

// AddressSanitizer, -O0 and -O2.
// RUN: %clang -O0 -g -fsanitize=address -c %s -o %t/asan.ref.o
// RUN: env AUTOJIT_DEBUG=1 %clang -O0 -g -fsanitize=address %autojit -c %s -o %t/asan.o 2> %t/asan.err
// RUN: cmp %t/asan.ref.o %t/asan.o
// RUN: FileCheck %s --check-prefix=SKIP-ASAN --input-file %t/asan.err -DFILE=%s
// RUN: %clang -fsanitize=address %t/asan.o -o %t/asan %rt
// RUN: not %t/asan 2>&1 | FileCheck %s --check-prefix=ASAN
// RUN: %clang -O2 -g -fsanitize=address -c %s -o %t/asan2.ref.o
// RUN: %clang -O2 -g -fsanitize=address %autojit -c %s -o %t/asan2.o
// RUN: cmp %t/asan2.ref.o %t/asan2.o
// SKIP-ASAN: {{^}}autojit-plugin: skipped module [[FILE]]: it is built with -fsanitize=address, whose instrumentation lazy code does not get yet{{$}}
// ASAN: ERROR: AddressSanitizer: heap-buffer-overflow
// ASAN: in overflow {{.*}}skip-instrumented.c

// ThreadSanitizer and MemorySanitizer are recognized the same way.
// RUN: env AUTOJIT_DEBUG=1 %clang -O1 -fsanitize=thread %autojit -c %s -o %t/tsan.o 2>&1 | FileCheck %s --check-prefix=SKIP-TSAN
// RUN: env AUTOJIT_DEBUG=1 %clang -O1 -fsanitize=memory %autojit -c %s -o %t/msan.o 2>&1 | FileCheck %s --check-prefix=SKIP-MSAN
// SKIP-TSAN: skipped module {{.*}}: it is built with -fsanitize=thread
// SKIP-MSAN: skipped module {{.*}}: it is built with -fsanitize=memory

// Source-based coverage: llvm-cov shows the same counts.
// RUN: %clang -O0 -fprofile-instr-generate -fcoverage-mapping -DNO_OVERFLOW %s -o %t/regular/cov
// RUN: %clang -O0 -fprofile-instr-generate -fcoverage-mapping -DNO_OVERFLOW %autojit -c %s -o %t/autojit/cov.o
// RUN: %clang -fprofile-instr-generate %t/autojit/cov.o -o %t/autojit/cov %rt
// RUN: env LLVM_PROFILE_FILE=%t/regular/cov.profraw %t/regular/cov
// RUN: env LLVM_PROFILE_FILE=%t/autojit/cov.profraw %t/autojit/cov
// RUN: llvm-profdata merge %t/regular/cov.profraw -o %t/regular/cov.profdata
// RUN: llvm-profdata merge %t/autojit/cov.profraw -o %t/autojit/cov.profdata
// RUN: llvm-cov show %t/regular/cov -instr-profile=%t/regular/cov.profdata %s > %t/regular/cov.txt
// RUN: llvm-cov show %t/autojit/cov -instr-profile=%t/autojit/cov.profdata %s > %t/autojit/cov.txt
// RUN: diff %t/regular/cov.txt %t/autojit/cov.txt
// RUN: FileCheck %s --check-prefix=COV --input-file %t/autojit/cov.txt
// COV: {{^ +[0-9]+\| +3\|}}int twice_sum(int a, int b)

// gcov: the same counts.
// RUN: cd %t/regular && %clang -O0 --coverage -DNO_OVERFLOW %s -o gcov-test && ./gcov-test && llvm-cov gcov -o . gcov-test-skip-instrumented.gcda %s > /dev/null
// RUN: cd %t/autojit && %clang -O0 --coverage -DNO_OVERFLOW %autojit %s -o gcov-test %rt && ./gcov-test && llvm-cov gcov -o . gcov-test-skip-instrumented.gcda %s > /dev/null
// RUN: diff %t/regular/skip-instrumented.c.gcov %t/autojit/skip-instrumented.c.gcov

// Profile instrumentation at -O2 shows only when its pass runs: refused.
// RUN: not %clang -O2 -fprofile-generate %autojit -c %s -o %t/pgo.o 2>&1 | FileCheck %s --check-prefix=LATE -DFILE=%s
// RUN: not %clang -O1 -fsanitize-coverage=trace-pc-guard %autojit -c %s -o %t/sancov.o 2>&1 | FileCheck %s --check-prefix=LATE-SANCOV
// LATE: error: autojit-plugin: [[FILE]] is built with -fprofile-generate, whose instrumentation lazy code does not get yet; build this file without the autojit plugin or without -fprofile-generate
// LATE-SANCOV: error: autojit-plugin: {{.*}} is built with -fsanitize-coverage or -fsanitize=fuzzer
// UndefinedBehaviorSanitizer's checks are in the IR already: lazified.
// RUN: env AUTOJIT_DEBUG=1 %clang -O0 -fsanitize=undefined %autojit -c %s -o %t/ubsan.o 2>&1 | FileCheck %s --check-prefix=UBSAN
// UBSAN: lazified overflow

#include <stdio.h>
#include <stdlib.h>

int overflow(int n) {
  int *p = malloc(n * sizeof(int));
  int v = p[n]; /* one past the end */
  free(p);
  return v;
}

int twice_sum(int a, int b) { return 2 * (a + b); }

int main(void) {
  int total = 0;
  for (int i = 0; i < 3; i++)
    total += twice_sum(i, 1);
#ifndef NO_OVERFLOW
  total += overflow(4);
#endif
  printf("%d\n", total);
  return 0;
}
