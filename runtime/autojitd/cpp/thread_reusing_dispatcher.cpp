// autojitd's task dispatcher. It runs each task on a thread of its own,
// like ORC's DynamicThreadPoolTaskDispatcher, but reuses threads that have
// finished a task instead of starting one per task (a function materialized
// remotely takes about ten tasks: wrapper calls and the continuations of
// their results). LLVM 19's dispatcher starts a thread for every task (it
// can only cap and queue materializations).
#include "llvm/ExecutionEngine/Orc/TaskDispatch.h"
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

using namespace llvm;
using namespace llvm::orc;

namespace {
// A task is only handed to an idle thread reserved for it, never
// queued behind another, since tasks may block on each other.
class ThreadReusingDispatcher final : public TaskDispatcher {
public:
  void dispatch(std::unique_ptr<Task> T) override {
    std::lock_guard<std::mutex> Lock(M);
    // After shutdown the session is going away: nothing may run any more.
    if (ShuttingDown)
      return;
    if (Idle > 0) {
      --Idle;
      Assigned.push_back(std::move(T));
      WorkAvailable.notify_one();
      return;
    }
    ++Running;
    std::thread([this, T = std::move(T)]() mutable { work(std::move(T)); }).detach();
  }

  void shutdown() override {
    std::unique_lock<std::mutex> Lock(M);
    ShuttingDown = true;
    WorkAvailable.notify_all();
    AllDone.wait(Lock, [this] { return Running == 0; });
  }

private:
  void work(std::unique_ptr<Task> T) {
    while (T) {
      T->run();
      T.reset();
      std::unique_lock<std::mutex> Lock(M);
      ++Idle;
      WorkAvailable.wait_for(Lock, std::chrono::seconds(1), [this] {
        return !Assigned.empty() || ShuttingDown;
      });
      if (!Assigned.empty()) {
        T = std::move(Assigned.front());
        Assigned.pop_front();
      } else {
        --Idle;
      }
    }
    std::lock_guard<std::mutex> Lock(M);
    if (--Running == 0)
      AllDone.notify_all();
  }

  std::mutex M;
  std::condition_variable WorkAvailable, AllDone;
  std::deque<std::unique_ptr<Task>> Assigned;
  size_t Idle = 0, Running = 0;
  bool ShuttingDown = false;
};
} // namespace

std::unique_ptr<TaskDispatcher> createThreadReusingDispatcher() {
  return std::make_unique<ThreadReusingDispatcher>();
}
