// Coverage reaches lazy code: the plugin takes bodies out after clang's
// coverage passes placed their counters, which stay in the program, so
// llvm-cov, gcov and the -O0 profile show what the regular build shows,
// zero for functions that never ran.
// With AUTOJIT_SANITIZE: the runtime flags put AddressSanitizer into the compile of the gcov program.
// UNSUPPORTED: sanitized-autojit
// RUN: rm -rf %t && mkdir -p %t/regular %t/autojit
// RUN: export AUTOJIT_CACHE_DIR=%t/store

// Source-based coverage.
// RUN: %clang -O0 -fprofile-instr-generate -fcoverage-mapping %s -o %t/regular/cov
// RUN: env AUTOJIT_DEBUG=1 %clang -O0 -fprofile-instr-generate -fcoverage-mapping %autojit -c %s -o %t/autojit/cov.o 2>&1 | FileCheck %s --check-prefix=LAZIFIED -DFILE=%s
// RUN: %clang -fprofile-instr-generate %t/autojit/cov.o -o %t/autojit/cov %rt
// RUN: env LLVM_PROFILE_FILE=%t/regular/cov.profraw %t/regular/cov
// RUN: env LLVM_PROFILE_FILE=%t/autojit/cov.profraw %t/autojit/cov
// RUN: llvm-profdata merge %t/regular/cov.profraw -o %t/regular/cov.profdata
// RUN: llvm-profdata merge %t/autojit/cov.profraw -o %t/autojit/cov.profdata
// RUN: llvm-cov show %t/regular/cov -instr-profile=%t/regular/cov.profdata %s > %t/regular/cov.txt
// RUN: llvm-cov show %t/autojit/cov -instr-profile=%t/autojit/cov.profdata %s > %t/autojit/cov.txt
// RUN: diff %t/regular/cov.txt %t/autojit/cov.txt
// RUN: FileCheck %s --check-prefix=COV --input-file %t/autojit/cov.txt
// LAZIFIED: deferred module [[FILE]] until its coverage counters are placed
// LAZIFIED: lazified twice_sum
// LAZIFIED: lazified never_called
// COV: {{^ +[0-9]+\| +3\|}}int twice_sum(int a, int b)
// COV: {{^ +[0-9]+\| +0\|}}int never_called(int a)

// The same at -O2, where the counters are placed before the optimizer runs.
// RUN: %clang -O2 -fprofile-instr-generate -fcoverage-mapping %s -o %t/regular/cov2
// RUN: %clang -O2 -fprofile-instr-generate -fcoverage-mapping %autojit %s -o %t/autojit/cov2 %rt
// RUN: env LLVM_PROFILE_FILE=%t/regular/cov2.profraw %t/regular/cov2
// RUN: env LLVM_PROFILE_FILE=%t/autojit/cov2.profraw %t/autojit/cov2
// RUN: llvm-profdata merge %t/regular/cov2.profraw -o %t/regular/cov2.profdata
// RUN: llvm-profdata merge %t/autojit/cov2.profraw -o %t/autojit/cov2.profdata
// RUN: llvm-cov show %t/regular/cov2 -instr-profile=%t/regular/cov2.profdata %s > %t/regular/cov2.txt
// RUN: llvm-cov show %t/autojit/cov2 -instr-profile=%t/autojit/cov2.profdata %s > %t/autojit/cov2.txt
// RUN: diff %t/regular/cov2.txt %t/autojit/cov2.txt

// gcov.
// RUN: cd %t/regular && %clang -O0 --coverage %s -o gcov-test && ./gcov-test && llvm-cov gcov gcov-test-coverage.gcda > /dev/null
// RUN: cd %t/autojit && env AUTOJIT_DEBUG=1 %clang -O0 --coverage %autojit %s -o gcov-test %rt 2>&1 | FileCheck %s --check-prefix=LAZIFIED -DFILE=%s
// RUN: cd %t/autojit && ./gcov-test && llvm-cov gcov gcov-test-coverage.gcda > /dev/null
// RUN: diff %t/regular/coverage.c.gcov %t/autojit/coverage.c.gcov
// RUN: FileCheck %s --check-prefix=GCOV --input-file %t/autojit/coverage.c.gcov
// GCOV: {{^ +3:.*}}int twice_sum(int a, int b)
// GCOV: {{^ +#####:.*}}int never_called(int a)

// Profile instrumentation at -O0: the same counts; an autojit build uses it.
// RUN: %clang -O0 -fprofile-generate=%t/regular/pgo %s -o %t/regular/pgo-gen
// RUN: %clang -O0 -fprofile-generate=%t/autojit/pgo %autojit %s -o %t/autojit/pgo-gen %rt
// RUN: %t/regular/pgo-gen && %t/autojit/pgo-gen
// RUN: llvm-profdata merge %t/regular/pgo -o %t/regular/pgo.profdata
// RUN: llvm-profdata merge %t/autojit/pgo -o %t/autojit/pgo.profdata
// RUN: llvm-profdata show --all-functions --counts %t/regular/pgo.profdata > %t/regular/pgo.txt
// RUN: llvm-profdata show --all-functions --counts %t/autojit/pgo.profdata > %t/autojit/pgo.txt
// RUN: diff %t/regular/pgo.txt %t/autojit/pgo.txt

// An IR-level profile reaches only the functions that stay regular: the
// build says so and goes on.
// RUN: %clang -O2 -fprofile-use=%t/autojit/pgo.profdata %autojit %s -o %t/autojit/pgo-use %rt 2>&1 | FileCheck %s --check-prefix=IR-USE -DFILE=%s
// RUN: %t/autojit/pgo-use | FileCheck %s --check-prefix=RESULT
// IR-USE: warning: autojit-plugin: [[FILE]]: the profile given to -fprofile-use (a profile made by -fprofile-generate) reaches only the functions that are not lazy
// RESULT: 12

// Clang's own profile format is read by the front end: the counts of an
// autojit -O2 run annotate the lazy bodies of an autojit -fprofile-instr-use
// build, for the engine's optimizer.
// RUN: env AUTOJIT_DEBUG=1 AUTOJIT_CACHE_DIR=%t/fe-use %clang -O2 -fprofile-instr-use=%t/autojit/cov2.profdata %autojit %s -o %t/autojit/fe-use %rt 2>&1 | FileCheck %s --check-prefix=FE-USE
// RUN: FileCheck %s --check-prefix=FE-LAZY --input-file %t/fe-use/modules/coverage.ll
// RUN: env AUTOJIT_CACHE_DIR=%t/fe-use %t/autojit/fe-use | FileCheck %s --check-prefix=RESULT
// FE-USE-NOT: warning
// FE-USE: lazified twice_sum
// FE-LAZY: define {{.*}}@twice_sum({{.*}} !prof [[TWICE:![0-9]+]]
// FE-LAZY: define {{.*}}@never_called({{.*}} !prof [[NEVER:![0-9]+]]
// FE-LAZY: !{i32 1, !"ProfileSummary",
// FE-LAZY-DAG: [[TWICE]] = !{!"function_entry_count", i64 3}
// FE-LAZY-DAG: [[NEVER]] = !{!"function_entry_count", i64 0}

#include <stdio.h>

int twice_sum(int a, int b) { return 2 * (a + b); }

int never_called(int a) { return a * 7; }

int main(int argc, char **argv) {
  int total = 0;
  for (int i = 0; i < 3; i++)
    total += twice_sum(i, 1);
  if (argc > 5)
    total += never_called(argc);
  printf("%d\n", total);
  return 0;
}
