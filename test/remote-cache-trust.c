// What a client takes from the store: a record whose bytes hash to the name
// its index gives and, with a team key configured (verify-key, or the
// writer's sign-key), that carries the key's signature. Anything else is
// refused with one log line and compiled locally; the run prints the same.
// REQUIRES: redis
// RUN: rm -rf %t && mkdir -p %t && cd %t
// RUN: openssl genpkey -algorithm ed25519 -out team.pem
// RUN: openssl pkey -in team.pem -pubout -out team.pub
// RUN: openssl genpkey -algorithm ed25519 -out other.pem
// RUN: %remote-store redis %t/redis
// RUN: %clang -O0 -g %autojit %s -o trust %rt
// RUN: ./trust > expected
//
// Signed by a writer with the team key: taken by a reader that verifies.
// RUN: env AUTOJIT_CACHE_DIR=%t/writer %remote-store with %t/redis '|sign-key=team.pem' -- ./trust > /dev/null
// RUN: env AUTOJIT_CACHE_DIR=%t/signed AUTOJIT_STATS=1 %remote-store with %t/redis '|verify-key=team.pub|read-only' -- ./trust > out 2> log
// RUN: diff expected out && FileCheck --check-prefix=TAKEN %s < log
//
// A byte of each record's code changed, or each record cut short: refused.
// RUN: %remote-store tamper %t/redis flip
// RUN: env AUTOJIT_CACHE_DIR=%t/flipped AUTOJIT_STATS=1 AUTOJIT_DEBUG=1 %remote-store with %t/redis '|read-only' -- ./trust > out 2> log
// RUN: diff expected out && FileCheck --check-prefix=REFUSED %s < log
// RUN: %if !daemon %{ FileCheck --check-prefix=DAMAGED %s < log %}
// RUN: %remote-store flush %t/redis
// RUN: env AUTOJIT_CACHE_DIR=%t/writer2 %remote-store with %t/redis -- ./trust > /dev/null
// RUN: %remote-store tamper %t/redis truncate
// RUN: env AUTOJIT_CACHE_DIR=%t/truncated AUTOJIT_STATS=1 AUTOJIT_DEBUG=1 %remote-store with %t/redis '|read-only' -- ./trust > out 2> log
// RUN: diff expected out && FileCheck --check-prefix=REFUSED %s < log
// RUN: %if !daemon %{ FileCheck --check-prefix=DAMAGED %s < log %}
//
// Unsigned records, records signed with another key, and records altered
// and renamed to their new hash by someone who can write the store: only
// the team key's signature tells, and a client with the key refuses them.
// RUN: %remote-store flush %t/redis
// RUN: env AUTOJIT_CACHE_DIR=%t/writer3 %remote-store with %t/redis -- ./trust > /dev/null
// RUN: env AUTOJIT_CACHE_DIR=%t/unsigned AUTOJIT_STATS=1 AUTOJIT_DEBUG=1 %remote-store with %t/redis '|verify-key=team.pub' -- ./trust > out 2> log
// RUN: diff expected out && FileCheck --check-prefix=REFUSED %s < log
// RUN: %if !daemon %{ FileCheck --check-prefix=UNSIGNED %s < log %}
// RUN: %remote-store flush %t/redis
// RUN: env AUTOJIT_CACHE_DIR=%t/writer4 %remote-store with %t/redis '|sign-key=other.pem' -- ./trust > /dev/null
// RUN: env AUTOJIT_CACHE_DIR=%t/foreign AUTOJIT_STATS=1 AUTOJIT_DEBUG=1 %remote-store with %t/redis '|verify-key=team.pub|read-only' -- ./trust > out 2> log
// RUN: diff expected out && FileCheck --check-prefix=REFUSED %s < log
// RUN: %if !daemon %{ FileCheck --check-prefix=FOREIGN %s < log %}
// RUN: %remote-store flush %t/redis
// RUN: env AUTOJIT_CACHE_DIR=%t/writer5 %remote-store with %t/redis '|sign-key=team.pem' -- ./trust > /dev/null
// RUN: %remote-store tamper %t/redis rename
// RUN: env AUTOJIT_CACHE_DIR=%t/renamed AUTOJIT_STATS=1 AUTOJIT_DEBUG=1 %remote-store with %t/redis '|verify-key=team.pub|read-only' -- ./trust > out 2> log
// RUN: diff expected out && FileCheck --check-prefix=REFUSED %s < log
// RUN: %if !daemon %{ FileCheck --check-prefix=FOREIGN %s < log %}
//
// Keys that are not keys: one line naming the file, and the run goes on
// without the store.
// RUN: env AUTOJIT_CACHE_DIR=%t/badkey AUTOJIT_STATS=1 %remote-store with %t/redis '|verify-key=expected' -- ./trust > out 2> log
// RUN: diff expected out
// RUN: %if !daemon %{ FileCheck --check-prefix=BAD-KEY %s < log %}
// RUN: %remote-store stop %t/redis

#include <stdio.h>

__attribute__((noinline)) long square(long x) { return x * x; }

__attribute__((noinline)) long sum_of_squares(int n) {
  long sum = 0;
  for (int i = 1; i <= n; i++)
    sum += square(i);
  return sum;
}

int main(void) {
  printf("%ld\n", sum_of_squares(100));
  return 0;
}

// TAKEN: stats: materialized=[[N:[1-9][0-9]*]] compiled=0 cache-hits=[[N]] {{.*}} remote-hits=1 remote-misses=0
// REFUSED: stats: materialized=[[N:[1-9][0-9]*]] compiled=[[N]] cache-hits=0 {{.*}} remote-hits=0 remote-misses=1
// DAMAGED: remote cache: refused record {{[0-9a-f]+}}: its bytes do not match the hash its index gives (truncated or altered); compiling locally
// UNSIGNED: remote cache: refused record {{[0-9a-f]+}}: it is not signed, and verify-key asks for the team's signature; compiling locally
// FOREIGN: remote cache: refused record {{[0-9a-f]+}}: its signature is not the team key's; compiling locally
// BAD-KEY: AUTOJIT_REMOTE_CACHE: verify-key={{.*}}expected: not an ed25519 key in PEM (make the team key with `openssl genpkey -algorithm ed25519 -out team.pem`, its public half with `openssl pkey -in team.pem -pubout -out team.pub`); running without the remote cache
