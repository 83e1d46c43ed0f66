// The runner's state machine (README.md beside this file). One mutex guards
// the ops this runner owns and every write of them, so an op's writes are
// ordered and each one compares against the version of the one before; task
// functions run outside it.
#include <algorithm>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "cluster/op/op.h"
#include "cluster/op/op_store.h"
#include "common/invariant.h"

namespace kv::op {

namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool SamePartition(const Op& a, const Op& b) {
  return a.table == b.table && (!a.pid || !b.pid || *a.pid == *b.pid);
}

std::string PartitionName(const Op& op) {
  return "table " + op.table + (op.pid ? " pid " + std::to_string(*op.pid) : " (all partitions)");
}

Status ValidateNew(const Op& op) {
  if (std::find(std::begin(kOpTypes), std::end(kOpTypes), op.type) == std::end(kOpTypes)) {
    return Status::InvalidArgument("unknown op type '" + op.type + "' (known: kChangeLeaderOP, kRecoverTableOP, ...)");
  }
  if (op.table.empty()) return Status::InvalidArgument(op.type + ": no table given");
  if (op.tasks.empty()) return Status::InvalidArgument(op.type + ": an op needs at least one task");
  for (const Task& task : op.tasks) {
    if (task.type.empty()) return Status::InvalidArgument(op.type + ": a task has no type");
  }
  if (!op.params.is_object()) return Status::InvalidArgument(op.type + ": params must be a JSON object");
  return Status::OK();
}

}  // namespace

struct OpRunner::Impl {
  // An unfinished op this runner owns (Submit or Resume), or one canceled
  // while running, until its worker lets go of it.
  struct Entry {
    Op op;
    int64_t version = 0;
    bool running = false;
    bool cancel = false;
  };

  Impl(meta::MetaStore* meta, OpExecutor* executor, RunnerOptions options)
      : store(meta), executor(executor), options(std::move(options)) {}

  // Writes next as e's new state (stamped with this runner's epoch) and adopts
  // it only once it is durable.
  Status Commit(Entry& e, Op next) {
    next.epoch = options.epoch;
    KV_ASSIGN_OR_RETURN(int64_t version, store.Write(next, e.version));
    e.op = std::move(next);
    e.version = version;
    return Status::OK();
  }

  // The op left this runner: it is final, or its state could not be written.
  void Release(uint64_t id, std::unique_lock<std::mutex>& lock, const Status& why = Status::OK()) {
    const bool final = IsFinal(live.at(id).op.status);
    live.erase(id);
    if (final) {
      finished.insert(id);
      Prune();
    }
    done_cv.notify_all();
    if (!why.ok() && options.on_abandoned) {
      lock.unlock();
      options.on_abandoned(id, why);
      lock.lock();
    }
  }

  // Retention: the oldest finished ops beyond keep_finished go. Best effort: a
  // failed delete is retried at the next prune.
  void Prune() {
    while (finished.size() > options.keep_finished) {
      const uint64_t oldest = *finished.begin();
      if (!store.Delete(oldest).ok()) return;
      finished.erase(finished.begin());
    }
  }

  bool ShouldStop(uint64_t id) {
    std::lock_guard<std::mutex> lock(mu);
    auto it = live.find(id);
    return stopping || it == live.end() || it->second.cancel;
  }

  std::chrono::milliseconds Backoff(uint32_t attempts) const {
    std::chrono::milliseconds wait = options.initial_backoff;
    for (uint32_t i = 1; i < attempts && wait < options.max_backoff; ++i) wait *= 2;
    return std::min(wait, options.max_backoff);
  }

  void WorkerLoop() {
    std::unique_lock<std::mutex> lock(mu);
    while (true) {
      work_cv.wait(lock, [&] { return stopping || !queue.empty(); });
      if (stopping) return;
      const uint64_t id = queue.front();
      queue.pop_front();
      RunOp(id, lock);
    }
  }

  // Runs op id from its current task to a final state. Called and returns
  // with lock held.
  void RunOp(uint64_t id, std::unique_lock<std::mutex>& lock) {
    Entry& e = live.at(id);
    if (e.cancel) return Release(id, lock);  // canceled while queued: Cancel wrote kCanceled
    e.running = true;
    if (e.op.status == OpStatus::kInited) {
      Op next = e.op;
      next.status = OpStatus::kDoing;
      next.start_ms = NowMs();
      if (Status st = Commit(e, std::move(next)); !st.ok()) return Release(id, lock, st);
    }
    while (e.op.current_task < e.op.tasks.size()) {
      if (Status st = RunCurrentTask(id, e, lock); !st.ok()) return Release(id, lock, st);
      if (stopping) return;  // the result was dropped, as in a crash
      if (e.cancel || IsFinal(e.op.status)) return Release(id, lock);
    }
    KV_INVARIANT("op-final-after-last-task", IsFinal(e.op.status), "op " + std::to_string(id));
    Release(id, lock);
  }

  // One attempt of e's current task, its outcome written. A non-OK return
  // means the op's state could not be written (the op is abandoned).
  Status RunCurrentTask(uint64_t id, Entry& e, std::unique_lock<std::mutex>& lock) {
    const size_t index = e.op.current_task;
    Op next = e.op;
    Task& task = next.tasks[index];
    if (task.attempts >= options.max_attempts) {
      // Only after a restart: the last attempt allowed was cut short.
      return FailOp(e, std::move(next), "no attempts left after " + std::to_string(task.attempts) +
                                            " (the last was interrupted by a restart)");
    }
    task.status = OpStatus::kDoing;
    ++task.attempts;
    KV_RETURN_IF_ERROR(Commit(e, next));

    const Op view = e.op;
    nlohmann::json params = e.op.params;
    for (const auto& [key, value] : view.tasks[index].args.items()) {
      if (value.is_null()) {
        params.erase(key);
      } else {
        params[key] = value;
      }
    }
    lock.unlock();
    TaskContext ctx{view, index, view.tasks[index].attempts, params, [this, id] { return ShouldStop(id); }};
    const Status result = executor->RunTask(ctx);
    lock.lock();
    if (stopping) return Status::OK();

    next = e.op;  // Cancel may have written meanwhile
    Task& done = next.tasks[index];
    if (result.ok()) {
      done.status = OpStatus::kDone;
      next.params = std::move(params);
      ++next.current_task;
      if (next.current_task == next.tasks.size() && next.status == OpStatus::kDoing) {
        next.status = OpStatus::kDone;
        next.end_ms = NowMs();
      }
      return Commit(e, std::move(next));
    }
    done.last_error = result.ToString();
    if (e.cancel) {
      done.status = OpStatus::kCanceled;
      return Commit(e, std::move(next));
    }
    if (result.IsInvalidArgument() || done.attempts >= options.max_attempts) {
      return FailOp(e, std::move(next), "failed after " + std::to_string(done.attempts) + " attempt(s): " +
                                            result.ToString());
    }
    KV_RETURN_IF_ERROR(Commit(e, std::move(next)));  // the last error, visible during the backoff
    wake_cv.wait_for(lock, Backoff(e.op.tasks[index].attempts), [&] { return stopping || e.cancel; });
    if (e.cancel && !stopping) {
      next = e.op;
      next.tasks[index].status = OpStatus::kCanceled;
      return Commit(e, std::move(next));
    }
    return Status::OK();
  }

  Status FailOp(Entry& e, Op next, const std::string& why) {
    Task& task = next.tasks[next.current_task];
    task.status = OpStatus::kFailed;
    next.status = OpStatus::kFailed;
    next.error = "task " + std::to_string(next.current_task) + " " + task.type + ": " + why;
    next.end_ms = NowMs();
    return Commit(e, std::move(next));
  }

  OpStore store;
  OpExecutor* executor;
  const RunnerOptions options;

  std::mutex mu;
  std::condition_variable work_cv;  // queue or stopping
  std::condition_variable wake_cv;  // cancel or stopping, for backoffs
  std::condition_variable done_cv;  // an op left this runner
  std::map<uint64_t, Entry> live;
  std::deque<uint64_t> queue;
  std::set<uint64_t> finished;  // ids of final ops in the store, for retention
  bool resumed = false;
  bool stopping = false;
  std::vector<std::thread> workers;
};

OpRunner::OpRunner(meta::MetaStore* store, OpExecutor* executor, RunnerOptions options)
    : impl_(std::make_unique<Impl>(store, executor, std::move(options))) {
  const size_t workers = std::max<size_t>(1, impl_->options.max_parallel);
  for (size_t i = 0; i < workers; ++i) impl_->workers.emplace_back([this] { impl_->WorkerLoop(); });
}

OpRunner::~OpRunner() {
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->stopping = true;
  }
  impl_->work_cv.notify_all();
  impl_->wake_cv.notify_all();
  for (std::thread& worker : impl_->workers) worker.join();
}

Status OpRunner::Resume() {
  Impl& m = *impl_;
  std::lock_guard<std::mutex> lock(m.mu);
  if (m.stopping) return Status::Aborted("the op runner is stopping");
  KV_ASSIGN_OR_RETURN(std::vector<StoredOp> stored, m.store.LoadAll());
  for (const StoredOp& s : stored) {
    if (s.op.epoch > m.options.epoch) {
      return Status::Aborted("op " + std::to_string(s.op.id) + " was written by epoch " + std::to_string(s.op.epoch) +
                             ", newer than this nameserver's " + std::to_string(m.options.epoch) +
                             ": another nameserver is active");
    }
  }
  for (StoredOp& s : stored) {
    if (IsFinal(s.op.status)) {
      m.finished.insert(s.op.id);
      continue;
    }
    if (m.live.count(s.op.id)) continue;
    // Claiming it stamps this epoch and moves its version, so the nameserver
    // that ran it before can no longer write it.
    Impl::Entry e{.op = s.op, .version = s.version};
    KV_RETURN_IF_ERROR(m.Commit(e, std::move(s.op)));
    m.queue.push_back(e.op.id);
    m.live.emplace(e.op.id, std::move(e));
  }
  m.resumed = true;
  m.Prune();
  m.work_cv.notify_all();
  return Status::OK();
}

Result<uint64_t> OpRunner::Submit(Op op) {
  KV_RETURN_IF_ERROR(ValidateNew(op));
  Impl& m = *impl_;
  std::lock_guard<std::mutex> lock(m.mu);
  if (m.stopping) return Status::Aborted("the op runner is stopping");
  if (!m.resumed) return Status::FailedPrecondition("op runner: Resume() must run before Submit()");
  for (const auto& [id, e] : m.live) {
    if (!e.cancel && SamePartition(e.op, op)) {
      return Status::FailedPrecondition(PartitionName(op) + " already has op " + std::to_string(id) + " (" +
                                        e.op.type + ", " + std::string(StatusName(e.op.status)) +
                                        "); wait for it to finish or cancel it (cancelop " + std::to_string(id) +
                                        ")");
    }
  }
  KV_ASSIGN_OR_RETURN(op.id, m.store.AllocateId());
  op.status = OpStatus::kInited;
  for (Task& task : op.tasks) task = Task{.type = task.type, .args = task.args};
  op.current_task = 0;
  op.created_ms = NowMs();
  op.start_ms = op.end_ms = 0;
  op.error.clear();
  Impl::Entry e{.version = meta::kMustNotExist};
  KV_RETURN_IF_ERROR(m.Commit(e, std::move(op)));
  const uint64_t id = e.op.id;
  m.live.emplace(id, std::move(e));
  m.queue.push_back(id);
  m.work_cv.notify_one();
  return id;
}

Status OpRunner::Cancel(uint64_t id, const std::string& reason) {
  Impl& m = *impl_;
  std::unique_lock<std::mutex> lock(m.mu);
  auto it = m.live.find(id);
  Impl::Entry loaded;
  Impl::Entry& e = it != m.live.end() ? it->second : loaded;
  if (it == m.live.end()) {
    // Not run here (before Resume, or abandoned): cancel it in the store.
    KV_ASSIGN_OR_RETURN(std::optional<StoredOp> stored, m.store.Load(id));
    if (!stored) return Status::NotFound("no op " + std::to_string(id));
    e.op = std::move(stored->op);
    e.version = stored->version;
  }
  if (IsFinal(e.op.status)) {
    return Status::FailedPrecondition("op " + std::to_string(id) + " is already " +
                                      std::string(StatusName(e.op.status)));
  }
  Op next = e.op;
  next.status = OpStatus::kCanceled;
  next.error = reason;
  next.end_ms = NowMs();
  KV_RETURN_IF_ERROR(m.Commit(e, std::move(next)));
  e.cancel = true;
  if (it == m.live.end()) {
    m.finished.insert(id);
    m.Prune();
  }
  m.wake_cv.notify_all();
  m.done_cv.notify_all();
  return Status::OK();
}

Result<std::vector<Op>> OpRunner::List(const OpFilter& filter) {
  KV_ASSIGN_OR_RETURN(std::vector<StoredOp> stored, impl_->store.LoadAll());
  std::vector<Op> out;
  for (StoredOp& s : stored) {
    if (filter.table && s.op.table != *filter.table) continue;
    if (filter.pid && s.op.pid != filter.pid) continue;
    if (filter.status && s.op.status != *filter.status) continue;
    out.push_back(std::move(s.op));
  }
  return out;
}

Result<Op> OpRunner::Get(uint64_t id) {
  KV_ASSIGN_OR_RETURN(std::optional<StoredOp> stored, impl_->store.Load(id));
  if (!stored) return Status::NotFound("no op " + std::to_string(id));
  return std::move(stored->op);
}

Result<std::optional<Op>> OpRunner::WaitFinal(uint64_t id, std::chrono::steady_clock::time_point deadline) {
  // Polls the store (the op may be run by this runner or be final already),
  // woken early whenever an op leaves this runner.
  constexpr std::chrono::milliseconds kPoll{50};
  while (true) {
    KV_ASSIGN_OR_RETURN(Op op, Get(id));
    if (IsFinal(op.status)) return std::optional<Op>(std::move(op));
    std::unique_lock<std::mutex> lock(impl_->mu);
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return std::optional<Op>();
    impl_->done_cv.wait_until(lock, std::min(deadline, now + kPoll));
  }
}

}  // namespace kv::op
