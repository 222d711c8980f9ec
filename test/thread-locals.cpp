// C++ thread_local with dynamic initialization in lazified code: the
// wrapper and init functions are lazified, the variables and their guards
// stay in the program, each thread constructs and destroys its own object
// once, as in the regular build.
// RUN: rm -rf %t && mkdir -p %t
// RUN: export AUTOJIT_CACHE_DIR=%t/store
// RUN: %clangxx -O0 %s -o %t/regular -pthread
// RUN: %t/regular > %t/regular.txt
// RUN: env AUTOJIT_DEBUG=1 %clangxx -O0 -g %autojit %s -o %t/tls0 %rt 2>&1 | FileCheck %s --check-prefix=PLUGIN
// RUN: %t/tls0 > %t/tls0.txt
// RUN: diff %t/regular.txt %t/tls0.txt
// RUN: %clangxx -O2 -g %autojit %s -o %t/tls2 %rt
// RUN: %t/tls2 > %t/tls2.txt
// RUN: diff %t/regular.txt %t/tls2.txt
// RUN: FileCheck %s --input-file %t/tls2.txt
// PLUGIN: lazified _Z13thread_numberv
// PLUGIN: lazified _Z4workv
// PLUGIN: lazified _ZTW7tracker
// CHECK: constructed 1
// CHECK: thread: 3 number 1
// CHECK: destroyed
// CHECK: constructed 2
// CHECK: main: 3 number 2
// CHECK: destroyed

#include <cstdio>
#include <string>
#include <thread>

static int constructions;

struct Tracker {
  std::string name;
  int uses = 0;
  Tracker() : name("tracker") { std::printf("constructed %d\n", ++constructions); }
  ~Tracker() { std::printf("destroyed\n"); }
};

thread_local Tracker tracker;

// A static local: clang reads and writes its guard without the intrinsic.
static int numbers;
int thread_number() {
  static thread_local int number = ++numbers;
  return number;
}

int work() {
  for (int i = 0; i < 3; i++)
    tracker.uses++;
  return tracker.uses;
}

int main() {
  std::thread t([] { std::printf("thread: %d number %d\n", work(), thread_number()); });
  t.join();
  std::printf("main: %d number %d\n", work(), thread_number());
  std::fflush(stdout);
  return 0;
}
