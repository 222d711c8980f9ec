// The remote cache on an HTTP store (a real nginx taking PUT, as a WebDAV
// server does): a second checkout at another path fetches what the first
// one compiled, signed and checked with a team key, and prints the same; with
// the server gone it compiles locally.
// REQUIRES: nginx
// RUN: rm -rf %t && mkdir -p %t/one %t/two/deeper
// RUN: openssl genpkey -algorithm ed25519 -out %t/team.pem
// RUN: openssl pkey -in %t/team.pem -pubout -out %t/team.pub
// RUN: %remote-store http %t/http
// RUN: cp %s %t/one/web.c && cp %s %t/two/deeper/web.c
// RUN: cd %t/one && %clang -O0 -g -ffile-prefix-map=%t/one=. %autojit web.c -o web %rt
// RUN: cd %t/two/deeper && %clang -O0 -g -ffile-prefix-map=%t/two/deeper=. %autojit web.c -o web %rt
// RUN: cd %t/one && env AUTOJIT_CACHE_DIR=%t/cache-one AUTOJIT_STATS=1 %remote-store with %t/http '|sign-key=%t/team.pem' -- ./web > one.out 2> one.log
// RUN: FileCheck --check-prefix=FILL %s < one.log
// RUN: cd %t/two/deeper && env AUTOJIT_CACHE_DIR=%t/cache-two AUTOJIT_STATS=1 %remote-store with %t/http '|verify-key=%t/team.pub|read-only' -- ./web > two.out 2> two.log
// RUN: FileCheck --check-prefix=FETCH %s < two.log
// RUN: diff %t/one/one.out %t/two/deeper/two.out
// RUN: %remote-store stop %t/http
// RUN: cd %t/two/deeper && env AUTOJIT_CACHE_DIR=%t/cache-three AUTOJIT_STATS=1 %remote-store with %t/http -- ./web > three.out 2> three.log
// RUN: diff %t/one/one.out %t/two/deeper/three.out
// RUN: FileCheck --check-prefix=LOCAL %s < three.log

#include <stdio.h>
#include <string.h>

__attribute__((noinline)) static unsigned vowels(const char *s) {
  unsigned n = 0;
  for (; *s; s++)
    n += strchr("aeiou", *s) != NULL;
  return n;
}

int main(void) {
  printf("%u\n", vowels("a function compiled once for the whole team"));
  return 0;
}

// FILL: stats: materialized=[[N:[1-9][0-9]*]] compiled=[[N]] cache-hits=0 {{.*}} remote-hits=0 remote-misses=1 remote-kb-read=0 remote-kb-written={{[1-9][0-9]*$}}
// FETCH: stats: materialized=[[N:[1-9][0-9]*]] compiled=0 cache-hits=[[N]] {{.*}} remote-hits=1 remote-misses=0 remote-kb-read={{[1-9][0-9]*}} remote-kb-written=0{{$}}
// LOCAL: stats: materialized=[[N:[1-9][0-9]*]] compiled=[[N]] cache-hits=0 {{.*}} materialize-ms={{[0-9.]+$}}
