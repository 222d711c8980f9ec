// One standalone daemon serves several programs at once while two of them
// fail: autojitd panics serving one (AUTOJITD_TEST_PANIC names its source),
// and another's lazy file was replaced after its build. Each of these two
// prints one line and exits with status 1; the others finish, the daemon
// logs the panic for that session alone, and serves a program started
// afterwards.
// RUN: rm -rf %t.store %t.replaced %t.other
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clang -O0 %autojit %s -o %t.exe %rt
// RUN: cp %s %t.panics-here.c
// RUN: %clang -O0 %autojit %t.panics-here.c -o %t.panics.exe %rt
// RUN: env AUTOJIT_CACHE_DIR=%t.replaced %clang -O0 %autojit %inputs/lazy-program.c -o %t.replaced.exe %rt
// RUN: env AUTOJIT_CACHE_DIR=%t.other %clang -O0 %autojit -c %inputs/lazy-other.c -o %t.other.o
// RUN: %python %inputs/lazy_file.py replace %t.replaced/modules %t.other/modules
// RUN: env AUTOJITD_TEST_PANIC=panics-here %python %inputs/with_daemon.py %autojitd %sockdir/sessions-isolated.sock %t.log -- %python %inputs/run_together.py %t.exe %t.exe %t.panics.exe %t.exe "env AUTOJIT_CACHE_DIR=%t.replaced %t.replaced.exe" %t.exe --then %t.exe > %t.out
// RUN: FileCheck %s < %t.out
// RUN: FileCheck --check-prefix=LOG %s < %t.log

#include <stdio.h>

long cube(long x) { return x * x * x; }
long sum_cubes(int n) {
  long s = 0;
  for (int i = 1; i <= n; i++)
    s += cube(i);
  return s;
}
int main(void) {
  printf("sum=%ld\n", sum_cubes(10));
  return 0;
}

// CHECK:      {{^}}1 out: sum=3025{{$}}
// CHECK-NEXT: {{^}}1 exit=0{{$}}
// CHECK-NEXT: {{^}}2 out: sum=3025{{$}}
// CHECK-NEXT: {{^}}2 exit=0{{$}}
// CHECK-NEXT: {{^}}3 err: [autojit-stub] autojitd ended the session while materializing the function with GUID 0x{{[0-9a-f]+}}: autojitd failed serving this program (AUTOJITD_TEST_PANIC asked for a panic registering {{.*}}panics-here.c, at {{.*}}session.rs:{{[0-9]+}}); report this{{$}}
// CHECK-NEXT: {{^}}3 exit=1{{$}}
// CHECK-NEXT: {{^}}4 out: sum=3025{{$}}
// CHECK-NEXT: {{^}}4 exit=0{{$}}
// CHECK-NEXT: {{^}}5 err: [autojit-stub] cannot materialize function main (GUID 0x{{[0-9a-f]+}}): lazy module {{.*}} changed after the build {{.*}}{{$}}
// CHECK-NEXT: {{^}}5 exit=1{{$}}
// CHECK-NEXT: {{^}}6 out: sum=3025{{$}}
// CHECK-NEXT: {{^}}6 exit=0{{$}}
// CHECK-NEXT: {{^}}7 out: sum=3025{{$}}
// CHECK-NEXT: {{^}}7 exit=0{{$}}

// LOG: [autojitd] session {{[0-9]+}} (pid {{[0-9]+}}): autojitd failed serving this program (AUTOJITD_TEST_PANIC asked for a panic registering {{.*}}panics-here.c, at {{.*}}session.rs:{{[0-9]+}}); report this
// LOG-NOT: panicked
