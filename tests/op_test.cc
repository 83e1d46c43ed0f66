// The op engine (cluster/op): persisted format, fencing, resume after a crash,
// retries, cancel, per-partition exclusion, parallelism and retention
// (invariant 9: every administrative action is an op, written before it
// starts, idempotent, resumed after a nameserver restart).
#include <catch2/catch.hpp>

#include <atomic>

#include "cluster/meta/meta_store.h"
#include "cluster/op/op.h"
#include "cluster/op/op_store.h"
#include "tests/op_test_util.h"
#include "tests/test_util.h"
#include "tests/zk_server.h"

using namespace kv;
using namespace kv::op;
using namespace std::chrono_literals;

namespace {

std::unique_ptr<meta::MetaStore> OpenStore(const meta::MetaStoreOptions& options) {
  auto store = meta::OpenMetaStore(options);
  INFO(store.status().ToString());
  REQUIRE(store.ok());
  return std::move(store).value();
}

// Fast retries: the tests check what happens, not how long it takes.
RunnerOptions Options(uint64_t epoch) {
  return {.epoch = epoch, .max_parallel = 4, .max_attempts = 3, .initial_backoff = 1ms, .max_backoff = 4ms};
}

Op NewOp(const std::string& table, std::optional<uint32_t> pid, std::vector<std::string> task_types,
         std::string type = "kReAddReplicaOP") {
  Op op{.type = std::move(type), .table = table, .tid = 7, .pid = pid};
  for (auto& t : task_types) op.tasks.push_back(Task{.type = std::move(t)});
  return op;
}

uint64_t SubmitOk(OpRunner& runner, Op op) {
  Result<uint64_t> id = runner.Submit(std::move(op));
  INFO(id.status().ToString());
  REQUIRE(id.ok());
  return *id;
}

Op WaitFinalOk(OpRunner& runner, uint64_t id) {
  Result<std::optional<Op>> op = runner.WaitFinal(id, std::chrono::steady_clock::now() + 30s);
  INFO(op.status().ToString());
  REQUIRE(op.ok());
  REQUIRE(op->has_value());
  return **op;
}

Op StoredOk(meta::MetaStore& store, uint64_t id) {
  Result<std::optional<StoredOp>> stored = OpStore(&store).Load(id);
  INFO(stored.status().ToString());
  REQUIRE(stored.ok());
  REQUIRE(stored->has_value());
  return (*stored)->op;
}

// Waits until the stored op satisfies condition (a poll with a deadline).
void WaitStored(meta::MetaStore& store, uint64_t id, const std::function<bool(const Op&)>& condition) {
  REQUIRE(test::Eventually([&] { return condition(StoredOk(store, id)); }, 20s));
}

// A store in a temp dir and a scripted executor, for a runner over them.
class Fixture {
 protected:
  // A resumed runner (destroyed before the executor and the store).
  OpRunner& StartRunner(RunnerOptions options = Options(1)) {
    runner_ = std::make_unique<OpRunner>(store.get(), &executor, std::move(options));
    REQUIRE(runner_->Resume().ok());
    return *runner_;
  }

  test::TempDir dir;
  std::unique_ptr<meta::MetaStore> store = OpenStore({.data_dir = dir.path()});
  test::ScriptedExecutor executor;

 private:
  std::unique_ptr<OpRunner> runner_;
};

// Runs op on a runner of epoch 1 until a task blocked in executor runs, then
// destroys the runner and closes its store: a nameserver crashing mid-task.
uint64_t CrashMidTask(const meta::MetaStoreOptions& options, test::ScriptedExecutor& executor, Op op) {
  auto store = OpenStore(options);
  OpRunner runner(store.get(), &executor, Options(1));
  REQUIRE(runner.Resume().ok());
  const uint64_t id = SubmitOk(runner, std::move(op));
  REQUIRE(executor.WaitRunning(1));
  return id;
}

}  // namespace

TEST_CASE("op documents round-trip and refuse another format_version", "[op]") {
  Op op = NewOp("orders", 3, {"kMakeSnapshot", "kLoadTable"}, "kChangeLeaderOP");
  op.id = 42;
  op.params = {{"candidate", "127.0.0.1:9001"}, {"n", 2}};
  op.status = OpStatus::kDoing;
  op.tasks[0].status = OpStatus::kDone;
  op.tasks[0].attempts = 2;
  op.tasks[0].last_error = "IO error: tablet busy";
  op.current_task = 1;
  op.created_ms = 1764300000000;
  op.start_ms = 1764300000100;
  op.error = "";
  op.epoch = 9;
  const std::string text = EncodeOp(op);
  Result<Op> back = DecodeOp(text, "/ops/42");
  INFO(back.status().ToString());
  REQUIRE(back.ok());
  CHECK(EncodeOp(*back) == text);
  CHECK(back->pid == std::optional<uint32_t>(3));
  CHECK(back->tasks[0].last_error == "IO error: tablet busy");
  CHECK(back->params["candidate"] == "127.0.0.1:9001");

  op.pid.reset();  // a whole-table op
  Result<Op> whole = DecodeOp(EncodeOp(op), "/ops/42");
  REQUIRE(whole.ok());
  CHECK_FALSE(whole->pid.has_value());

  nlohmann::json doc = nlohmann::json::parse(text);
  doc["format_version"] = 2;
  Result<Op> newer = DecodeOp(doc.dump(), "/ops/42");
  CHECK(newer.status().IsFailedPrecondition());
  CHECK_THAT(newer.status().message(), Catch::Contains("format_version 2"));

  doc = nlohmann::json::parse(text);
  doc.erase("tasks");
  CHECK_THAT(DecodeOp(doc.dump(), "/ops/42").status().message(), Catch::Contains("/ops/42: field tasks"));
  doc = nlohmann::json::parse(text);
  doc["tid"] = -1;
  CHECK(DecodeOp(doc.dump(), "/ops/42").status().IsCorruption());
  doc = nlohmann::json::parse(text);
  doc["tasks"][1]["status"] = "kSleeping";
  CHECK_THAT(DecodeOp(doc.dump(), "/ops/42").status().message(), Catch::Contains("kSleeping"));
  doc = nlohmann::json::parse(text);
  doc["current_task"] = 3;
  CHECK(DecodeOp(doc.dump(), "/ops/42").status().IsCorruption());
  CHECK(DecodeOp(text, "/ops/43").status().IsCorruption());  // the key names another op
  CHECK(DecodeOp("not json", "/ops/42").status().IsCorruption());
}

TEST_CASE("an op is written before it starts and runs its tasks in order", "[op]") {
  test::TempDir dir;
  auto store = OpenStore({.data_dir = dir.path()});
  test::ScriptedExecutor executor;
  executor.Block("kLoadTable");
  OpRunner runner(store.get(), &executor, Options(1));

  CHECK(runner.Submit(NewOp("t", 0, {"kLoadTable"})).status().IsFailedPrecondition());  // before Resume
  REQUIRE(runner.Resume().ok());
  CHECK(runner.Submit(NewOp("t", 0, {"kLoadTable"}, "kNoSuchOP")).status().IsInvalidArgument());
  CHECK(runner.Submit(NewOp("t", 0, {})).status().IsInvalidArgument());

  const uint64_t id = SubmitOk(runner, NewOp("t", 0, {"kLoadTable", "kAddReplica"}));
  REQUIRE(executor.WaitRunning(1));
  Op doing = StoredOk(*store, id);
  CHECK(doing.status == OpStatus::kDoing);
  CHECK(doing.tasks[0].status == OpStatus::kDoing);
  CHECK(doing.tasks[0].attempts == 1);
  CHECK(doing.epoch == 1);
  CHECK(doing.start_ms >= doing.created_ms);
  executor.Unblock("kLoadTable");

  Op done = WaitFinalOk(runner, id);
  CHECK(done.status == OpStatus::kDone);
  CHECK(done.current_task == 2);
  CHECK(done.end_ms >= done.start_ms);
  // What a task put in params is persisted with its kDone.
  CHECK(done.params["ran_kLoadTable"] == 1);
  CHECK(done.params["ran_kAddReplica"] == 1);
  CHECK(executor.Runs(id, 0) == 1);
  CHECK(executor.Runs(id, 1) == 1);
}

TEST_CASE("a task's args are laid over the op's params for that task alone, and persisted", "[op]") {
  // An executor that notes the "endpoint" each task saw and, like a task that
  // decides something, leaves a key in params.
  class SeeingExecutor : public OpExecutor {
   public:
    Status RunTask(TaskContext& ctx) override {
      std::lock_guard lock(mu);
      seen.push_back(ctx.params.contains("endpoint") ? ctx.params["endpoint"].get<std::string>() : "-");
      ctx.params["decided_by_" + std::to_string(ctx.task_index)] = true;
      return Status::OK();
    }
    std::mutex mu;
    std::vector<std::string> seen;
  };
  test::TempDir dir;
  auto store = OpenStore({.data_dir = dir.path()});
  SeeingExecutor executor;
  OpRunner runner(store.get(), &executor, Options(1));
  REQUIRE(runner.Resume().ok());
  Op op = NewOp("t", 0, {"kFollow", "kFollow", "kNoEndpoint", "kFollow"});
  op.params = {{"endpoint", "op-wide"}};
  op.tasks[0].args = {{"endpoint", "a"}};
  op.tasks[1].args = {{"endpoint", "b"}};
  op.tasks[2].args = {{"endpoint", nullptr}};  // null: removed for this task
  const uint64_t id = SubmitOk(runner, std::move(op));
  Op done = WaitFinalOk(runner, id);
  CHECK(done.status == OpStatus::kDone);
  {
    std::lock_guard lock(executor.mu);
    // The last task has no args: it sees what the task before it left.
    CHECK(executor.seen == std::vector<std::string>{"a", "b", "-", "-"});
  }
  CHECK(done.params["decided_by_0"] == true);
  CHECK(done.params["decided_by_3"] == true);
  Op stored = StoredOk(*store, id);
  CHECK(stored.tasks[1].args == nlohmann::json{{"endpoint", "b"}});
  CHECK(stored.tasks[3].args.empty());
  // A document without args (written before they existed) still reads.
  nlohmann::json doc = nlohmann::json::parse(EncodeOp(stored));
  CHECK_FALSE(doc["tasks"][3].contains("args"));
  doc["tasks"][0].erase("args");
  REQUIRE(DecodeOp(doc.dump(), OpKey(id)).ok());
  doc["tasks"][0]["args"] = "endpoint=a";
  CHECK(DecodeOp(doc.dump(), OpKey(id)).status().IsCorruption());
}

TEST_CASE("op ids and epochs are never reused after a restart", "[op]") {
  test::TempDir dir;
  test::ScriptedExecutor executor;
  uint64_t first_epoch = 0;
  uint64_t last_id = 0;
  {
    auto store = OpenStore({.data_dir = dir.path()});
    Result<uint64_t> epoch = AllocateEpoch(store.get());
    REQUIRE(epoch.ok());
    first_epoch = *epoch;
    OpRunner runner(store.get(), &executor, Options(*epoch));
    REQUIRE(runner.Resume().ok());
    WaitFinalOk(runner, SubmitOk(runner, NewOp("t", 0, {"kLoadTable"})));
    last_id = SubmitOk(runner, NewOp("t", 1, {"kLoadTable"}));
    WaitFinalOk(runner, last_id);
  }
  auto store = OpenStore({.data_dir = dir.path()});
  Result<uint64_t> epoch = AllocateEpoch(store.get());
  REQUIRE(epoch.ok());
  CHECK(*epoch > first_epoch);
  OpRunner runner(store.get(), &executor, Options(*epoch));
  REQUIRE(runner.Resume().ok());
  CHECK(SubmitOk(runner, NewOp("t", 0, {"kLoadTable"})) > last_id);
}

TEST_CASE("a runner killed mid-op: the next one resumes at the task not recorded done", "[op]") {
  test::TempDir dir;
  test::ScriptedExecutor executor;
  executor.Block("kLoadTable");
  // The crash: the runner goes while task 1 runs; its result is not recorded.
  const uint64_t id =
      CrashMidTask({.data_dir = dir.path()}, executor, NewOp("t", 0, {"kPauseSnapshot", "kLoadTable", "kAddReplica"}));
  executor.Unblock("kLoadTable");
  auto store = OpenStore({.data_dir = dir.path()});
  Op crashed = StoredOk(*store, id);
  CHECK(crashed.status == OpStatus::kDoing);
  CHECK(crashed.current_task == 1);
  CHECK(crashed.tasks[0].status == OpStatus::kDone);
  CHECK(crashed.tasks[1].status == OpStatus::kDoing);

  OpRunner runner(store.get(), &executor, Options(2));
  REQUIRE(runner.Resume().ok());
  Op done = WaitFinalOk(runner, id);
  CHECK(done.status == OpStatus::kDone);
  CHECK(done.epoch == 2);
  CHECK(executor.Runs(id, 0) == 1);  // recorded done before the crash: not run again
  CHECK(executor.Runs(id, 1) == 2);  // running at the crash: run again, once
  CHECK(executor.Runs(id, 2) == 1);
  CHECK(done.tasks[1].attempts == 2);
}

TEST_CASE("a resumed task whose attempts are used up fails without running", "[op]") {
  test::TempDir dir;
  test::ScriptedExecutor executor;
  executor.Block("kLoadTable");
  const uint64_t id = CrashMidTask({.data_dir = dir.path()}, executor, NewOp("t", 0, {"kLoadTable"}));
  executor.Unblock("kLoadTable");
  auto store = OpenStore({.data_dir = dir.path()});
  RunnerOptions options = Options(2);
  options.max_attempts = 1;  // the attempt cut short by the crash was the last one allowed
  OpRunner runner(store.get(), &executor, options);
  REQUIRE(runner.Resume().ok());
  Op failed = WaitFinalOk(runner, id);
  CHECK(failed.status == OpStatus::kFailed);
  CHECK_THAT(failed.error, Catch::Contains("interrupted by a restart"));
  CHECK(executor.Runs(id, 0) == 1);
}

TEST_CASE("a stale runner cannot overwrite an op a newer one claimed (fencing)", "[op]") {
  test::TempDir dir;
  auto store = OpenStore({.data_dir = dir.path()});
  test::ScriptedExecutor stale_executor;
  stale_executor.Block("kLoadTable");
  std::mutex mu;
  std::vector<std::pair<uint64_t, Status>> abandoned;
  RunnerOptions stale_options = Options(1);
  stale_options.on_abandoned = [&](uint64_t id, const Status& why) {
    std::lock_guard<std::mutex> lock(mu);
    abandoned.emplace_back(id, why);
  };
  OpRunner stale(store.get(), &stale_executor, stale_options);
  REQUIRE(stale.Resume().ok());
  const uint64_t id = SubmitOk(stale, NewOp("t", 0, {"kLoadTable", "kAddReplica"}));
  REQUIRE(stale_executor.WaitRunning(1));

  // A newer nameserver takes over the same store while the old one still runs.
  test::ScriptedExecutor executor;
  OpRunner active(store.get(), &executor, Options(2));
  REQUIRE(active.Resume().ok());
  Op done = WaitFinalOk(active, id);
  CHECK(done.status == OpStatus::kDone);

  stale_executor.Unblock("kLoadTable");
  REQUIRE(test::Eventually(
      [&] {
        std::lock_guard<std::mutex> lock(mu);
        return !abandoned.empty();
      },
      20s));
  {
    std::lock_guard<std::mutex> lock(mu);
    CHECK(abandoned[0].first == id);
    CHECK(abandoned[0].second.IsAborted());
    CHECK_THAT(abandoned[0].second.message(), Catch::Contains("another nameserver"));
  }
  Op final_op = StoredOk(*store, id);
  CHECK(final_op.status == OpStatus::kDone);
  CHECK(final_op.epoch == 2);
  CHECK(stale_executor.Runs(id, 1) == 0);  // the stale one never got further
  CHECK(stale.Resume().IsAborted());       // and knows it is stale
}

TEST_CASE_METHOD(Fixture, "a failing task is retried, then fails the op with its error", "[op]") {
  OpRunner& runner = StartRunner();

  SECTION("transient failures are retried") {
    executor.Fail("kLoadTable", 2, Status::IOError("tablet 127.0.0.1:9001 unreachable"));
    const uint64_t id = SubmitOk(runner, NewOp("t", 0, {"kLoadTable", "kAddReplica"}));
    Op done = WaitFinalOk(runner, id);
    CHECK(done.status == OpStatus::kDone);
    CHECK(done.tasks[0].attempts == 3);
    CHECK_THAT(done.tasks[0].last_error, Catch::Contains("unreachable"));
    CHECK(done.tasks[1].attempts == 1);
  }
  SECTION("up to max_attempts") {
    executor.Fail("kLoadTable", 100, Status::IOError("tablet 127.0.0.1:9001 unreachable"));
    const uint64_t id = SubmitOk(runner, NewOp("t", 0, {"kLoadTable", "kAddReplica"}));
    Op failed = WaitFinalOk(runner, id);
    CHECK(failed.status == OpStatus::kFailed);
    CHECK(failed.tasks[0].status == OpStatus::kFailed);
    CHECK(failed.tasks[0].attempts == 3);
    CHECK(failed.tasks[1].status == OpStatus::kInited);
    CHECK_THAT(failed.error, Catch::Contains("kLoadTable") && Catch::Contains("3 attempt") &&
                                 Catch::Contains("unreachable"));
    CHECK(executor.Runs(id, 1) == 0);
    CHECK(failed.end_ms > 0);
  }
  SECTION("InvalidArgument is not retried") {
    executor.Fail("kLoadTable", 100, Status::InvalidArgument("no replica on 127.0.0.1:9001"));
    const uint64_t id = SubmitOk(runner, NewOp("t", 0, {"kLoadTable"}));
    Op failed = WaitFinalOk(runner, id);
    CHECK(failed.status == OpStatus::kFailed);
    CHECK(failed.tasks[0].attempts == 1);
  }
}

TEST_CASE_METHOD(Fixture, "cancelop: a queued op never starts, a running one stops after its task", "[op]") {
  RunnerOptions options = Options(1);
  options.max_parallel = 1;
  OpRunner& runner = StartRunner(options);
  executor.Block("kLoadTable");
  const uint64_t running = SubmitOk(runner, NewOp("t", 0, {"kLoadTable", "kAddReplica"}));
  REQUIRE(executor.WaitRunning(1));
  const uint64_t queued = SubmitOk(runner, NewOp("t", 1, {"kAddReplica"}));

  REQUIRE(runner.Cancel(queued).ok());
  Op canceled_queued = WaitFinalOk(runner, queued);
  CHECK(canceled_queued.status == OpStatus::kCanceled);
  CHECK(canceled_queued.error == "canceled by the operator");

  REQUIRE(runner.Cancel(running, "operator: wrong endpoint").ok());
  Op canceled = WaitFinalOk(runner, running);
  CHECK(canceled.status == OpStatus::kCanceled);
  CHECK(canceled.error == "operator: wrong endpoint");
  // The blocked task saw should_stop and returned; nothing runs after it.
  WaitStored(*store, running, [](const Op& op) { return op.tasks[0].status == OpStatus::kCanceled; });
  REQUIRE(test::Eventually([&] { return executor.running() == 0; }, 20s));
  CHECK(executor.Runs(running, 1) == 0);
  CHECK(executor.Runs(queued, 0) == 0);
  CHECK(StoredOk(*store, running).status == OpStatus::kCanceled);

  CHECK(runner.Cancel(running).IsFailedPrecondition());
  CHECK(runner.Cancel(999).IsNotFound());
  // The partition is free again.
  executor.Unblock("kLoadTable");
  WaitFinalOk(runner, SubmitOk(runner, NewOp("t", 0, {"kLoadTable"})));
}

TEST_CASE("cancelop on an unfinished op no runner has resumed", "[op]") {
  test::TempDir dir;
  test::ScriptedExecutor executor;
  executor.Block("kLoadTable");
  const uint64_t id = CrashMidTask({.data_dir = dir.path()}, executor, NewOp("t", 0, {"kLoadTable"}));
  auto store = OpenStore({.data_dir = dir.path()});
  OpRunner runner(store.get(), &executor, Options(2));
  REQUIRE(runner.Cancel(id).ok());
  REQUIRE(runner.Resume().ok());
  CHECK(StoredOk(*store, id).status == OpStatus::kCanceled);
  CHECK(executor.Runs(id, 0) == 1);  // only the run before the restart
}

TEST_CASE_METHOD(Fixture, "one unfinished op per partition: a second is refused", "[op]") {
  OpRunner& runner = StartRunner();
  executor.Block("kLoadTable");
  const uint64_t first = SubmitOk(runner, NewOp("t", 0, {"kLoadTable"}));

  Result<uint64_t> same = runner.Submit(NewOp("t", 0, {"kAddReplica"}, "kChangeLeaderOP"));
  CHECK(same.status().IsFailedPrecondition());
  CHECK_THAT(same.status().message(), Catch::Contains("table t pid 0 already has op " + std::to_string(first)) &&
                                          Catch::Contains("cancelop"));
  // A whole-table op holds every partition of its table.
  Result<uint64_t> whole = runner.Submit(NewOp("t", std::nullopt, {"kAddReplica"}, "kUpdateTableAliveOP"));
  CHECK(whole.status().IsFailedPrecondition());
  const uint64_t other_pid = SubmitOk(runner, NewOp("t", 1, {"kAddReplica"}));
  const uint64_t other_table = SubmitOk(runner, NewOp("u", 0, {"kAddReplica"}));
  WaitFinalOk(runner, other_pid);
  WaitFinalOk(runner, other_table);

  executor.Unblock("kLoadTable");
  WaitFinalOk(runner, first);
  WaitFinalOk(runner, SubmitOk(runner, NewOp("t", 0, {"kAddReplica"})));
}

TEST_CASE_METHOD(Fixture, "no more than max_parallel ops execute at once", "[op]") {
  RunnerOptions options = Options(1);
  options.max_parallel = 2;
  OpRunner& runner = StartRunner(options);
  executor.Block("kLoadTable");
  std::vector<uint64_t> ids;
  for (uint32_t pid = 0; pid < 5; ++pid) ids.push_back(SubmitOk(runner, NewOp("t", pid, {"kLoadTable"})));
  REQUIRE(executor.WaitRunning(2));
  // The three others wait in the queue, written but not started.
  int inited = 0;
  for (uint64_t id : ids) inited += StoredOk(*store, id).status == OpStatus::kInited ? 1 : 0;
  CHECK(inited == 3);
  executor.Unblock("kLoadTable");
  for (uint64_t id : ids) CHECK(WaitFinalOk(runner, id).status == OpStatus::kDone);
  CHECK(executor.max_running() == 2);
}

TEST_CASE_METHOD(Fixture, "showopstatus lists by id with filters, keeping only the newest finished ops", "[op]") {
  RunnerOptions options = Options(1);
  options.keep_finished = 3;
  OpRunner& runner = StartRunner(options);
  std::vector<uint64_t> ids;
  // Twelve ops so that ids reach two digits: the list sorts numerically.
  for (uint32_t i = 0; i < 12; ++i) {
    ids.push_back(SubmitOk(runner, NewOp(i % 2 ? "odd" : "even", i, {"kLoadTable"})));
    WaitFinalOk(runner, ids.back());
  }
  executor.Block("kLoadTable");
  const uint64_t doing = SubmitOk(runner, NewOp("odd", 99, {"kLoadTable"}));
  REQUIRE(executor.WaitRunning(1));

  Result<std::vector<Op>> all = runner.List();
  REQUIRE(all.ok());
  std::vector<uint64_t> listed;
  for (const Op& op : *all) listed.push_back(op.id);
  CHECK(listed == std::vector<uint64_t>{ids[9], ids[10], ids[11], doing});

  Result<std::vector<Op>> odd = runner.List({.table = "odd"});
  REQUIRE(odd.ok());
  CHECK(odd->size() == 3);
  Result<std::vector<Op>> pid = runner.List({.table = "odd", .pid = 99});
  REQUIRE(pid.ok());
  REQUIRE(pid->size() == 1);
  CHECK(pid->front().id == doing);
  Result<std::vector<Op>> running = runner.List({.status = OpStatus::kDoing});
  REQUIRE(running.ok());
  REQUIRE(running->size() == 1);
  CHECK(running->front().tasks[0].type == "kLoadTable");
  CHECK(runner.Get(ids[0]).status().IsNotFound());
  executor.Unblock("kLoadTable");
  WaitFinalOk(runner, doing);
}

TEST_CASE("zookeeper: an op survives a nameserver change on ZooKeeper", "[op][zk]") {
  auto server = test::StartZkServerOrFail();
  const meta::MetaStoreOptions options{.zk_cluster = server->address(), .zk_root_path = "/op-test"};
  test::ScriptedExecutor executor;
  executor.Block("kLoadTable");
  const uint64_t id = CrashMidTask(options, executor, NewOp("t", 0, {"kPauseSnapshot", "kLoadTable"}));
  executor.Unblock("kLoadTable");
  auto store = OpenStore(options);
  OpRunner runner(store.get(), &executor, Options(2));
  REQUIRE(runner.Resume().ok());
  Op done = WaitFinalOk(runner, id);
  CHECK(done.status == OpStatus::kDone);
  CHECK(executor.Runs(id, 0) == 1);
  CHECK(executor.Runs(id, 1) == 2);
}
