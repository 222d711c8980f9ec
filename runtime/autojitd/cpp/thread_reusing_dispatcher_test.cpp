// The tests of thread_reusing_dispatcher.cpp, run by `cargo test` through
// the Rust test in src/boundary.rs. Only that test refers to this file, so
// autojitd itself does not link it.
#include "llvm/ExecutionEngine/Orc/TaskDispatch.h"
#include "llvm-c/Core.h"
#include "boundary.h"
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

using namespace llvm;
using namespace llvm::orc;

std::unique_ptr<TaskDispatcher> createThreadReusingDispatcher();

namespace {
using namespace std::chrono_literals;

// A flag one task sets and another waits for.
class Event {
  std::mutex M;
  std::condition_variable CV;
  bool Set = false;

public:
  void set() {
    std::lock_guard<std::mutex> Lock(M);
    Set = true;
    CV.notify_all();
  }
  bool wait() {
    std::unique_lock<std::mutex> Lock(M);
    return CV.wait_for(Lock, 10s, [this] { return Set; });
  }
};

template <typename Fn> void dispatch(TaskDispatcher &D, Fn F) {
  D.dispatch(makeGenericNamedTask(std::move(F), "test"));
}

// A task that waits for one dispatched after it runs alongside it: tasks
// are never queued behind each other.
const char *blockingTasksRunTogether() {
  auto D = createThreadReusingDispatcher();
  Event SecondRan, FirstDone;
  bool FirstSaw = false;
  dispatch(*D, [&] {
    FirstSaw = SecondRan.wait();
    FirstDone.set();
  });
  dispatch(*D, [&] { SecondRan.set(); });
  bool Done = FirstDone.wait();
  D->shutdown();
  return Done && FirstSaw ? nullptr : "a task waited behind another";
}

// A task dispatched after another has finished runs on that task's thread.
const char *threadsAreReused() {
  auto D = createThreadReusingDispatcher();
  std::thread::id First, Second;
  Event FirstRan, SecondRan;
  dispatch(*D, [&] {
    First = std::this_thread::get_id();
    FirstRan.set();
  });
  if (!FirstRan.wait())
    return "the first task did not run";
  // The thread idles for a second after its task; let it get there.
  std::this_thread::sleep_for(100ms);
  dispatch(*D, [&] {
    Second = std::this_thread::get_id();
    SecondRan.set();
  });
  if (!SecondRan.wait())
    return "the second task did not run";
  D->shutdown();
  return First == Second ? nullptr : "the second task started a thread";
}

// Shutdown waits for running tasks, and nothing runs after it.
const char *shutdownWaitsThenRunsNothing() {
  auto D = createThreadReusingDispatcher();
  Event Started;
  std::atomic<bool> Finished{false}, RanLate{false};
  dispatch(*D, [&] {
    Started.set();
    std::this_thread::sleep_for(100ms);
    Finished = true;
  });
  if (!Started.wait())
    return "the task did not run";
  D->shutdown();
  if (!Finished)
    return "shutdown returned while a task was running";
  dispatch(*D, [&] { RanLate = true; });
  std::this_thread::sleep_for(100ms);
  return RanLate ? "a task ran after shutdown" : nullptr;
}
} // namespace

// Declared and described in boundary.h.
extern "C" char *autojitd_test_thread_reusing_dispatcher() {
  for (auto Test : {blockingTasksRunTogether, threadsAreReused,
                    shutdownWaitsThenRunsNothing})
    if (const char *Failure = Test())
      return LLVMCreateMessage(Failure);
  return nullptr;
}
