// A lazified function that uses functions and variables an object built
// without the plugin defines with hidden visibility (-fvisibility=hidden):
// after the link they are local symbols of the executable, in no dynamic
// symbol table, and lazy code finds them in its symbol table. Statics of
// other files are not hidden definitions: a weak reference to a name only a
// static has stays null, and a static that shares its name with a hidden
// global is not the one found.
// RUN: %clang -O0 -c -fvisibility=hidden %inputs/hidden-regular.c -o %t.lib.o
// RUN: %clang -O0 -c -DSTATICS %inputs/hidden-regular.c -o %t.statics.o
// RUN: %clang -O0 -c %autojit %s -o %t.main.o
// RUN: %clang %t.statics.o %t.main.o %t.lib.o -o %t.exe %rt
// RUN: readelf -sW %t.exe | FileCheck --check-prefix=BFD %s
// RUN: readelf --dyn-syms -W %t.exe | FileCheck --check-prefix=DYN %s
// RUN: %t.exe | FileCheck %s
// RUN: %if lld %{ %clang -fuse-ld=lld %t.statics.o %t.main.o %t.lib.o -o %t.lld.exe %rt %}
// RUN: %if lld %{ readelf -sW %t.lld.exe | FileCheck --check-prefix=LLD %s %}
// RUN: %if lld %{ %t.lld.exe | FileCheck %s %}

#include <stdio.h>

int helper(int);
extern int hidden_value;
extern int shared_count;
__attribute__((weak)) int only_static(int);
int statics_sum(void);

int main(void) {
  hidden_value += 1;
  printf("helper=%d hidden_value=%d shared_count=%d only_static=%s\n", helper(20),
         hidden_value, shared_count, only_static ? "found" : "absent");
  printf("statics=%d\n", statics_sum());
  return 0;
}

// CHECK: helper=41 hidden_value=6 shared_count=7 only_static=absent
// CHECK-NEXT: statics=-901

// GNU ld makes hidden symbols LOCAL DEFAULT (after an unnamed FILE symbol)
// when the output has a dynamic symbol table to keep them out of (-rdynamic,
// -shared), else leaves them GLOBAL HIDDEN; lld makes them LOCAL HIDDEN.
// BFD-DAG: {{(LOCAL +DEFAULT|GLOBAL +HIDDEN|WEAK +HIDDEN) +[0-9]+ helper$}}
// BFD-DAG: {{(LOCAL +DEFAULT|GLOBAL +HIDDEN) +[0-9]+ hidden_value$}}
// LLD-DAG: {{LOCAL +HIDDEN +[0-9]+ helper$}}
// LLD-DAG: {{LOCAL +HIDDEN +[0-9]+ hidden_value$}}
// LLD-DAG: {{LOCAL +DEFAULT +[0-9]+ shared_count$}}
// LLD-DAG: {{LOCAL +HIDDEN +[0-9]+ shared_count$}}
// No dynamic symbol table defines them; the weak reference to only_static
// is listed undefined, as the regular build's is with -rdynamic.
// DYN-NOT: {{ (helper|hidden_value|shared_count)$}}
// DYN-NOT: {{ [0-9]+ only_static$}}
