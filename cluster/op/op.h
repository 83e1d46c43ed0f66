// Administrative ops as persisted state machines (design brief, invariant 9).
//
// An op (kChangeLeaderOP, kRecoverTableOP, ...) is an ordered list of tasks.
// It is written to the MetaStore before it starts, every change of its state
// is a compare-and-set on the version this runner wrote last, and a new runner
// over the same store resumes every unfinished op at its first task not
// recorded done. Task functions must therefore be idempotent: a task that was
// running when its nameserver died runs again. Format, state machine and the
// rules for hosts: README.md beside this file.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/meta/meta_store.h"
#include "common/status.h"

namespace kv::op {

// OpenMLDB's op type names; Submit refuses any other (add new ones here).
inline constexpr std::string_view kOpTypes[] = {
    "kChangeLeaderOP", "kOfflineReplicaOP", "kRecoverTableOP", "kReAddReplicaOP", "kUpdateTableAliveOP",
    "kAddReplicaOP",   "kDelReplicaOP",     "kMigrateOP",      "kRecoverDataOP",  "kUpdatePartitionStatusOP",
};

// Op and task statuses share OpenMLDB's names.
enum class OpStatus { kInited, kDoing, kDone, kFailed, kCanceled };
std::string_view StatusName(OpStatus status);
std::optional<OpStatus> ParseStatus(std::string_view name);
// kDone, kFailed and kCanceled are final: nothing changes an op after them.
bool IsFinal(OpStatus status);

struct Task {
  std::string type;  // e.g. "kLoadTable"; free text, shown by showopstatus as cur_task
  OpStatus status = OpStatus::kInited;
  uint32_t attempts = 0;   // executions started, persisted before each one
  std::string last_error;  // of the latest failed attempt
  // This task's own parameters, laid over the op's params before it runs (a
  // null value removes the key): an op that repeats a task list for several
  // replicas names the replica of each repetition here.
  nlohmann::json args = nlohmann::json::object();
};

struct Op {
  uint64_t id = 0;  // assigned by Submit, never reused
  std::string type;
  std::string table;
  uint32_t tid = 0;
  std::optional<uint32_t> pid;  // nullopt: the whole table
  nlohmann::json params = nlohmann::json::object();
  OpStatus status = OpStatus::kInited;
  std::vector<Task> tasks;
  uint32_t current_task = 0;  // == tasks.size() once every task is done
  int64_t created_ms = 0;     // wall clock, ms since the Unix epoch; 0: not yet
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  std::string error;   // why it failed or was canceled
  uint64_t epoch = 0;  // of the nameserver that wrote it last
};

// What a task function sees. params starts as the op's parameters with the
// task's args laid over them; changes a
// successful task makes to it are persisted together with its kDone, so a
// later task (and a resumed one) reads what an earlier one decided.
struct TaskContext {
  const Op& op;
  size_t task_index;
  uint32_t attempt;  // 1 for the first execution, across restarts
  nlohmann::json& params;
  // True once the op is canceled or the runner is stopping: a long task should
  // return at its next step (any Status; its result is then not retried).
  std::function<bool()> should_stop;
};

// Implemented by the host (the nameserver): runs one task of an op. Must be
// idempotent. A failure is retried with backoff up to max_attempts, except
// InvalidArgument, which fails the op at once (retrying cannot fix it).
class OpExecutor {
 public:
  virtual ~OpExecutor() = default;
  virtual Status RunTask(TaskContext& ctx) = 0;
};

struct OpFilter {
  std::optional<std::string> table;
  std::optional<uint32_t> pid;
  std::optional<OpStatus> status;
};

struct RunnerOptions {
  // This nameserver's epoch (AllocateEpoch): stamped on every write; a runner
  // meeting an op written by a newer epoch stops touching it.
  uint64_t epoch = 0;
  size_t max_parallel = 4;      // ops executing at once
  uint32_t max_attempts = 5;    // per task, across restarts
  std::chrono::milliseconds initial_backoff{100};
  std::chrono::milliseconds max_backoff{5000};
  size_t keep_finished = 1000;  // finished ops kept in the store, the newest by id
  // Called (from a worker thread) when the runner gives up on an op because
  // its state could not be written: another nameserver changed it (this one
  // is stale: step down) or the store failed. The op stays as stored last.
  std::function<void(uint64_t id, const Status& why)> on_abandoned;
};

// A new epoch, greater than every one handed out before (/ids/op_epoch). The
// nameserver takes one each time it becomes the active one.
Result<uint64_t> AllocateEpoch(meta::MetaStore* store);

class OpRunner {
 public:
  // store and executor must outlive the runner.
  OpRunner(meta::MetaStore* store, OpExecutor* executor, RunnerOptions options);
  // Stops the workers, waiting for running tasks to return (should_stop turns
  // true). Results of tasks still running are dropped as in a crash: the next
  // runner's Resume runs those tasks again.
  ~OpRunner();
  OpRunner(const OpRunner&) = delete;
  OpRunner& operator=(const OpRunner&) = delete;

  // Claims every kInited/kDoing op in the store for this epoch and queues it.
  // Submit is refused until Resume has run once. Aborted when an op was
  // written by a newer epoch (this nameserver is stale).
  Status Resume();
  // Validates op (type, at least one task), assigns its id, writes it as
  // kInited and queues it. FailedPrecondition when an unfinished op holds the
  // same partition (same table and pid; a whole-table op holds every pid).
  Result<uint64_t> Submit(Op op);
  // Final state kCanceled. A queued op never starts; a running task is asked
  // to stop (should_stop) and no later task starts. FailedPrecondition when
  // the op is already final, NotFound when there is no such op.
  Status Cancel(uint64_t id, const std::string& reason = "canceled by the operator");
  // From the store, sorted by id: what showopstatus prints.
  Result<std::vector<Op>> List(const OpFilter& filter = {});
  Result<Op> Get(uint64_t id);
  // Blocks until op id is final or deadline passes (then: nullopt).
  Result<std::optional<Op>> WaitFinal(uint64_t id, std::chrono::steady_clock::time_point deadline);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kv::op
