// A scripted OpExecutor for the op runner's tests: tasks block until released,
// fail a given number of times, and every execution is counted.
#pragma once

#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <utility>

#include "cluster/op/op.h"

namespace kv::test {

class ScriptedExecutor : public op::OpExecutor {
 public:
  Status RunTask(op::TaskContext& ctx) override;

  // Tasks of this type wait (until Unblock, or until should_stop) before
  // they succeed or fail.
  void Block(const std::string& task_type);
  void Unblock(const std::string& task_type);
  // The next `times` executions of task_type fail with status.
  void Fail(const std::string& task_type, int times, Status status);

  // Executions of task index of op id, finished or not.
  int Runs(uint64_t id, size_t index) const;
  // Tasks executing right now, and the most there ever were at once.
  int running() const;
  int max_running() const;
  // Waits until at least n tasks are executing; false after timeout.
  bool WaitRunning(int n, std::chrono::milliseconds timeout = std::chrono::seconds(20));

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::set<std::string> blocked_;
  std::map<std::string, std::pair<int, Status>> failures_;
  std::map<std::pair<uint64_t, size_t>, int> runs_;
  int running_ = 0;
  int max_running_ = 0;
};

}  // namespace kv::test
