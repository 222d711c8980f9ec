// Programs and daemons of different users never serve each other. A program
// refuses a daemon that runs as another user (it would take code from it);
// a daemon refuses a program of another user even when its socket was made
// reachable, and logs it. Each side: one line.
// REQUIRES: root
// RUN: rm -rf %t.store %sockdir/foreign-user && mkdir -p %sockdir/foreign-user && chmod 777 %sockdir/foreign-user
// RUN: export AUTOJIT_CACHE_DIR=%t.store
// RUN: %clang -O0 %autojit %s -o %t.exe %rt
// What runs as the other user lives where it may be read, whatever the
// build directory's permissions.
// RUN: cp %t.exe %sockdir/foreign-user/program
// RUN: cp %autojitd %sockdir/foreign-user/autojitd
// RUN: chmod 755 %sockdir/foreign-user/program %sockdir/foreign-user/autojitd
// RUN: not %python %inputs/with_daemon.py %sockdir/foreign-user/autojitd %sockdir/foreign-user/nobody.sock %t.nobody.log --daemon-user 65534 -- %t.exe 2> %t.err
// RUN: count 1 < %t.err
// RUN: FileCheck --check-prefix=PROGRAM %s -DSOCK=%sockdir/foreign-user/nobody.sock < %t.err
// RUN: not %python %inputs/with_daemon.py %autojitd %sockdir/foreign-user/root.sock %t.root.log --log-before-stop refused -- sh -c "chmod 666 %sockdir/foreign-user/root.sock && exec setpriv --reuid=65534 --regid=65534 --clear-groups %sockdir/foreign-user/program" 2> %t.err
// RUN: FileCheck --check-prefix=DAEMON %s < %t.root.log
// RUN: FileCheck --check-prefix=REFUSED %s < %t.err

#include <stdio.h>

int main(void) {
  puts("served");
  return 0;
}

// PROGRAM: {{^}}[autojit-stub] {{.*}}[[SOCK]]{{.*}}uid 65534{{.*}}
// DAEMON: [autojitd] refused pid {{[0-9]+}} of uid 65534: this autojitd serves only uid 0
// REFUSED: {{^}}[autojit-stub] {{.*}}
// REFUSED-NOT: served
