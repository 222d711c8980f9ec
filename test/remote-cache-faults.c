// The store down, paused, full, or answering garbage, and a setting that
// names no store: the program compiles locally and prints what it prints
// without the store, with one line in the log; a store that stops answering
// costs one timeout, not a hang, and the runs that follow within a minute
// do not ask it.
// REQUIRES: redis
// RUN: rm -rf %t && mkdir -p %t && cd %t
// RUN: %clang -O0 -g %autojit %s -o faults %rt
// RUN: ./faults > expected
//
// Stopped after a writer filled it.
// RUN: %remote-store redis %t/stopped
// RUN: env AUTOJIT_CACHE_DIR=%t/writer %remote-store with %t/stopped -- ./faults > /dev/null
// RUN: %remote-store stop %t/stopped
// RUN: env AUTOJIT_CACHE_DIR=%t/down AUTOJIT_STATS=1 AUTOJIT_DEBUG=1 %remote-store with %t/stopped -- ./faults > out 2> log
// RUN: diff expected out && FileCheck --check-prefix=LOCAL %s < log
// RUN: %if !daemon %{ FileCheck --check-prefix=DOWN %s < log %}
//
// Paused with SIGSTOP: connections are accepted, nothing answers.
// RUN: %remote-store redis %t/paused
// RUN: %remote-store pause %t/paused
// RUN: env AUTOJIT_CACHE_DIR=%t/slow AUTOJIT_STATS=1 AUTOJIT_DEBUG=1 timeout 60 %remote-store with %t/paused '|timeout=200' -- ./faults > out 2> log
// RUN: diff expected out && FileCheck --check-prefix=LOCAL %s < log
// RUN: %if !daemon %{ FileCheck --check-prefix=SLOW %s < log %}
// The runs after it, for a minute, do not ask the store: a test suite's
// processes do not each wait for the timeout.
// RUN: env AUTOJIT_CACHE_DIR=%t/slow AUTOJIT_DEBUG=1 timeout 60 %remote-store with %t/paused '|timeout=200' -- ./faults > out 2> log
// RUN: diff expected out
// RUN: %if !daemon %{ FileCheck --check-prefix=REMEMBERED %s < log %}
// RUN: %remote-store stop %t/paused
//
// Full: maxmemory reached, writes refused; the run goes on, and reads too.
// RUN: %remote-store redis %t/full --maxmemory 1 --maxmemory-policy noeviction
// RUN: env AUTOJIT_CACHE_DIR=%t/full-writer AUTOJIT_STATS=1 AUTOJIT_DEBUG=1 %remote-store with %t/full -- ./faults > out 2> log
// RUN: diff expected out && FileCheck --check-prefix=FULL-STATS %s < log
// RUN: %if !daemon %{ FileCheck --check-prefix=FULL %s < log %}
// RUN: %remote-store stop %t/full
//
// A server that answers garbage.
// RUN: %remote-store garbage %t/garbage
// RUN: env AUTOJIT_CACHE_DIR=%t/garbled AUTOJIT_STATS=1 AUTOJIT_DEBUG=1 timeout 60 %remote-store with %t/garbage -- ./faults > out 2> log
// RUN: diff expected out && FileCheck --check-prefix=LOCAL %s < log
// RUN: %if !daemon %{ FileCheck --check-prefix=GARBAGE %s < log %}
// RUN: %remote-store stop %t/garbage
//
// A setting that names no store: one line, whether or not the log is on.
// RUN: env AUTOJIT_CACHE_DIR=%t/unset AUTOJIT_REMOTE_CACHE='ftp://cache.lan' ./faults > out 2> log
// RUN: diff expected out
// RUN: %if !daemon %{ FileCheck --check-prefix=SETTING %s < log %}

#include <stdio.h>

__attribute__((noinline)) unsigned mix(unsigned h, unsigned x) { return (h ^ x) * 16777619u; }

int main(void) {
  unsigned h = 2166136261u;
  for (unsigned i = 0; i < 1000; i++)
    h = mix(h, i);
  printf("%u\n", h);
  return 0;
}

// LOCAL: stats: materialized=[[N:[1-9][0-9]*]] compiled=[[N]] cache-hits=0 {{.*}} materialize-ms={{[0-9.]+$}}
// DOWN: remote cache redis://127.0.0.1:{{[0-9]+}}/0: unreachable ({{.*}}); compiling locally, without it for the rest of this run
// DOWN-NOT: remote cache
// SLOW: remote cache redis://127.0.0.1:{{[0-9]+}}/0: no answer within the timeout; compiling locally, without it for the rest of this run
// SLOW-NOT: remote cache
// REMEMBERED: remote cache redis://127.0.0.1:{{[0-9]+}}/0: a run {{[0-9]+}} s ago found it failing; compiling locally without it for {{[0-9]+}} s more
// REMEMBERED-NOT: no answer within the timeout
// FULL-STATS: stats: materialized=[[N:[1-9][0-9]*]] compiled=[[N]] cache-hits=0 {{.*}} remote-hits=0 remote-misses=1 remote-kb-read=0 remote-kb-written=0
// FULL: remote cache redis://127.0.0.1:{{[0-9]+}}/0: refused (OOM command not allowed {{.*}}); writing nothing more to it in this run
// GARBAGE: remote cache redis://127.0.0.1:{{[0-9]+}}/0: answered garbage ({{.*}}); compiling locally, without it for the rest of this run
// GARBAGE-NOT: remote cache
// SETTING: AUTOJIT_REMOTE_CACHE: 'ftp://cache.lan' is not a store's URL (redis://host:port or http://host/path); running without the remote cache
