// `ops playbook run` as an operator runs it, on real servers: every shipped
// playbook in its short form (--quick), and a run that is interrupted by
// Ctrl-C with a workload running, then resumed to the end.
#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <set>
#include <thread>

#include "common/file.h"
#include "ops/playbook/run_state.h"
#include "ops/playground/playground.h"
#include "ops/playground/process.h"
#include "tests/playground_test_util.h"
#include "tests/test_util.h"

using namespace kv;
using namespace std::chrono_literals;

namespace {

const std::string kPlaybooks = KV_PLAYBOOKS_DIR;

// The playground a run leaves up (after a failed step, by design) goes down
// with the test, by the PIDs in its state file, however the test ends.
class LeftPlayground {
 public:
  explicit LeftPlayground(std::string run_dir) : dir_(std::move(run_dir) + "/playground") {}
  ~LeftPlayground() {
    if (!PathExists(ops::PlaygroundStatePath(dir_))) return;
    auto pg = ops::Playground::Open(dir_);
    if (pg.ok()) (void)pg->Down(5s);
  }

 private:
  std::string dir_;
};

ops::ProcessId StartOps(const test::TempDir& tmp, const std::vector<std::string>& args) {
  auto id = ops::Spawn({KV_BINARY_DIR "/ops/ops", args, tmp / "out", tmp / "err", {}});
  REQUIRE(id.ok());
  return *id;
}

int WaitFor(const ops::ProcessId& id, std::chrono::seconds timeout) {
  auto code = ops::WaitForExit(id, timeout);
  REQUIRE(code.ok());  // else it was killed at the deadline
  return *code;
}

nlohmann::json Report(const std::string& run_dir) {
  return nlohmann::json::parse(test::ReadFile(run_dir + "/report.json"));
}

void RunQuick(const std::string& name) {
  test::TempDir tmp;
  const std::string run = tmp / "run";
  LeftPlayground left(run);
  const int code = WaitFor(StartOps(tmp, {"playbook", "run", kPlaybooks + "/" + name + ".yaml", "--quick", "--dir", run}), 600s);
  INFO(test::ReadFile(tmp / "out") << test::ReadFile(tmp / "err"));
  REQUIRE(code == 0);
  const auto report = Report(run);
  CHECK(report["outcome"] == "passed");
  for (const auto& step : report["steps"]) CHECK(step["outcome"] == "passed");
  CHECK(PathExists(run + "/report.html"));
}

const std::vector<std::string> kShipped = {"single-node-failure", "leader-pause",     "two-node-failure",
                                           "scale-out-rebalance", "openmldb-ha",      "manual-partition-restore",
                                           "wal-forensics",       "full-outage-recovery"};

}  // namespace

TEST_CASE("every playbook in playbooks/ has its short form run here", "[playbook]") {
  std::set<std::string> found;
  for (const auto& entry : std::filesystem::directory_iterator(kPlaybooks)) {
    if (entry.path().extension() == ".yaml") found.insert(entry.path().stem().string());
  }
  CHECK(found == std::set<std::string>(kShipped.begin(), kShipped.end()));
}

TEST_CASE("playbook single-node-failure --quick", "[playbook][playground]") { RunQuick("single-node-failure"); }
TEST_CASE("playbook leader-pause --quick", "[playbook][playground]") { RunQuick("leader-pause"); }
TEST_CASE("playbook two-node-failure --quick", "[playbook][playground]") { RunQuick("two-node-failure"); }
TEST_CASE("playbook scale-out-rebalance --quick", "[playbook][playground]") { RunQuick("scale-out-rebalance"); }
TEST_CASE("playbook openmldb-ha --quick", "[playbook][playground]") { RunQuick("openmldb-ha"); }
TEST_CASE("playbook manual-partition-restore --quick", "[playbook][playground]") { RunQuick("manual-partition-restore"); }
TEST_CASE("playbook wal-forensics --quick", "[playbook][playground]") { RunQuick("wal-forensics"); }
TEST_CASE("playbook full-outage-recovery --quick", "[playbook][playground]") { RunQuick("full-outage-recovery"); }

TEST_CASE("a run interrupted by Ctrl-C with a workload running resumes where it stopped, its ledger appended to",
          "[playbook][playground]") {
  test::TempDir tmp;
  const std::string run = tmp / "run";
  LeftPlayground left(run);
  // The wait holds only once the test has created table gate: the run is interrupted while it waits.
  const std::string book = tmp / "gate.yaml";
  test::WriteFile(book, R"(name: gate
steps:
  - playground: up
    tablets: 1
  - ops: create table usertable --partitions 2 --replicas 1
  - workload: start
    name: a
    file: ./wl
    table: usertable
    ledger: a.ledger
    props: {recordcount: 100, target: 50}
  - wait: showtable gate
    until: {count: {at_least: 1}}
    timeout: 300s
    interval: 200ms
  - workload: stop
    name: a
  - assert: bench verify --ledger ${dir}/a.ledger
    expect:
      every: {lost: 0, writes: {at_least: 1}}
)");
  test::WriteFile(tmp / "wl", "readproportion=0.5\nupdateproportion=0.5\nrecordcount=100\n");
  const ops::ProcessId first = StartOps(tmp, {"playbook", "run", book, "--dir", run});
  REQUIRE(test::WaitUntil(120s, [&] {
    auto state = playbook::LoadRunState(run);
    return state.ok() && state->next_step == 3 && PathExists(run + "/steps/04-ops.out");
  }));
  REQUIRE(::kill(first.pid, SIGINT) == 0);
  CHECK(WaitFor(first, 60s) == 1);
  INFO(test::ReadFile(tmp / "out"));
  CHECK_THAT(test::ReadFile(tmp / "out"), Catch::Contains("was interrupted at step 4") && Catch::Contains("--resume"));
  auto state = playbook::LoadRunState(run);
  REQUIRE(state.ok());
  CHECK(state->next_step == 3);
  REQUIRE(state->running.size() == 1);  // started again on resume
  CHECK(Report(run)["outcome"] == "interrupted");
  const std::string ledger_before = test::ReadFile(run + "/a.ledger");  // closed whole at the interrupt

  auto pg = ops::Playground::Open(run + "/playground");
  REQUIRE(pg.ok());
  auto created = ops::Spawn({KV_BINARY_DIR "/ops/ops", {"create", "table", "gate", "--partitions", "1", "--replicas", "1",
                                                          "--ns", pg->NameserverList()},
                             tmp / "create.out", tmp / "create.err", {}});
  REQUIRE(created.ok());
  REQUIRE(WaitFor(*created, 60s) == 0);

  const int code = WaitFor(StartOps(tmp, {"playbook", "run", book, "--dir", run, "--resume"}), 120s);
  INFO(test::ReadFile(tmp / "out") << test::ReadFile(tmp / "err"));
  REQUIRE(code == 0);
  CHECK_THAT(test::ReadFile(tmp / "out"), Catch::Contains("starting workload a again"));
  // Appended to (verified whole by the last step).
  const std::string ledger_after = test::ReadFile(run + "/a.ledger");
  CHECK(ledger_after.size() > ledger_before.size());
  CHECK(ledger_after.starts_with(ledger_before));
  const auto report = Report(run);
  CHECK(report["outcome"] == "passed");
  CHECK(report["steps"].back()["text"].get<std::string>().starts_with("assert bench verify"));
}
