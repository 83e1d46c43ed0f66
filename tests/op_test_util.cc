#include "tests/op_test_util.h"

#include <algorithm>

namespace kv::test {

Status ScriptedExecutor::RunTask(op::TaskContext& ctx) {
  std::unique_lock<std::mutex> lock(mu_);
  ++runs_[{ctx.op.id, ctx.task_index}];
  ++running_;
  max_running_ = std::max(max_running_, running_);
  cv_.notify_all();
  const std::string& type = ctx.op.tasks[ctx.task_index].type;
  // should_stop has no notification of its own: look at it now and then.
  while (blocked_.count(type) && !ctx.should_stop()) cv_.wait_for(lock, std::chrono::milliseconds(5));
  --running_;
  cv_.notify_all();
  if (blocked_.count(type)) return Status::Aborted("stopped while blocked");
  auto failure = failures_.find(type);
  if (failure != failures_.end() && failure->second.first > 0) {
    --failure->second.first;
    return failure->second.second;
  }
  ctx.params["ran_" + type] = ctx.attempt;
  return Status::OK();
}

void ScriptedExecutor::Block(const std::string& task_type) {
  std::lock_guard<std::mutex> lock(mu_);
  blocked_.insert(task_type);
}

void ScriptedExecutor::Unblock(const std::string& task_type) {
  std::lock_guard<std::mutex> lock(mu_);
  blocked_.erase(task_type);
  cv_.notify_all();
}

void ScriptedExecutor::Fail(const std::string& task_type, int times, Status status) {
  std::lock_guard<std::mutex> lock(mu_);
  failures_[task_type] = {times, std::move(status)};
}

int ScriptedExecutor::Runs(uint64_t id, size_t index) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = runs_.find({id, index});
  return it == runs_.end() ? 0 : it->second;
}

int ScriptedExecutor::running() const {
  std::lock_guard<std::mutex> lock(mu_);
  return running_;
}

int ScriptedExecutor::max_running() const {
  std::lock_guard<std::mutex> lock(mu_);
  return max_running_;
}

bool ScriptedExecutor::WaitRunning(int n, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return running_ >= n; });
}

}  // namespace kv::test
