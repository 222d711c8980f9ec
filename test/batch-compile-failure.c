// A function that cannot compile (assembler text clang's front end does not
// check) does not fail the functions batched with it: the batch is compiled
// again one function at a time, and only a call of the broken function
// fails, with one line naming it.
// RUN: rm -rf %t.store
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clang -O0 %autojit %s -o %t.exe %rt
// RUN: env AUTOJIT_STATS=1 %t.exe 2>&1 | FileCheck --check-prefix=RUNS %s -DRT=%rtprefix
// RUN: not %t.exe broken > %t.out 2> %t.err
// RUN: count 1 < %t.err
// RUN: FileCheck --check-prefix=BROKEN %s --input-file %t.err -DRT=%rtprefix

#include <stdio.h>

int leaf(int x) { return x * 3; }
int middle(int x) { return leaf(x) + 2; }
void broken(void) { __asm__ volatile("not_an_instruction %eax"); }

int main(int argc, char **argv) {
  if (argc > 1)
    broken();
  printf("result=%d\n", middle(4));
  return 0;
}

// RUNS-DAG: result=14
// RUNS-DAG: [[RT]] stats: materialized=3 compiled=3 cache-hits=0 modules-loaded=1 objects=3
// BROKEN: [[RT]] cannot compile function broken (GUID 0x{{[0-9a-f]+}}) from {{.*}}: <inline asm>:1:2: invalid instruction mnemonic 'not_an_instruction'; build that function's file without the autojit plugin
