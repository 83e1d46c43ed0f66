// The playbook runner's library without servers: how a playbook file is read
// and refused (FILE:LINE), ${...}, what steps check in a command's JSON, the
// dry run, and a run's state (refused resumes, an interrupted run resumed).
#include <catch2/catch.hpp>

#include <thread>

#include "common/file.h"
#include "ops/playbook/expand.h"
#include "ops/playbook/expectation.h"
#include "ops/playbook/faults.h"
#include "ops/playbook/playbook.h"
#include "ops/playbook/run_state.h"
#include "ops/playbook/runner.h"
#include "ops/playground/process.h"
#include "tests/test_util.h"

using namespace kv;
using namespace kv::playbook;

namespace {

std::string Write(const test::TempDir& tmp, const std::string& name, const std::string& text) {
  const std::string path = tmp / name;
  test::WriteFile(path, text);
  return path;
}

// The message of a playbook that must be refused.
std::string Refusal(const test::TempDir& tmp, const std::string& text, const std::vector<std::string>& sets = {}) {
  const std::string path = Write(tmp, "bad.yaml", text);
  auto book = LoadPlaybook(path, sets);
  REQUIRE_FALSE(book.ok());
  CHECK(book.status().IsInvalidArgument());
  return book.status().message();
}

const char* kHeader = "name: t\nparams: {nap: 10ms, tablets: 3}\nsteps:\n";

}  // namespace

TEST_CASE("a playbook reads with its parameters, --set and --quick applied", "[playbook]") {
  test::TempDir tmp;
  const std::string path = Write(tmp, "p.yaml", R"(name: demo
description: a demo
params:
  tablets: 6
  nap: 10s
quick:
  nap: 1s
steps:
  - playground: up
    tablets: ${tablets}
  - ops: showtable t
    capture:
      leader: {where: {pid: 0, role: leader}, field: endpoint}
  - fault: kill
    server: ${leader}
  - sleep: ${nap}
  - wait: showtable t
    until:
      where: {pid: 0}
      every: {is_alive: true, role: [leader, follower]}
      none: {endpoint: "${leader}"}
      count: {at_least: 2}
    timeout: 30s
  - report
)");
  auto book = LoadPlaybook(path, {});
  INFO(book.status().ToString());
  REQUIRE(book.ok());
  CHECK(book->name == "demo");
  REQUIRE(book->steps.size() == 6);
  CHECK(book->steps[0].kind == StepKind::kPlayground);
  CHECK(book->steps[0].line == 9);
  CHECK(book->steps[1].captures.at(0).variable == "leader");
  CHECK(book->steps[4].expectation->every.size() == 2);
  CHECK(book->steps[4].expectation->every[1].one_of == std::vector<std::string>{"leader", "follower"});
  CHECK(book->steps[5].kind == StepKind::kReport);
  CHECK(book->parameters == std::vector<std::pair<std::string, std::string>>{{"tablets", "6"}, {"nap", "10s"}});

  auto quick = LoadPlaybook(path, {}, /*quick=*/true);
  REQUIRE(quick.ok());
  CHECK(quick->parameters[1].second == "1s");
  auto set = LoadPlaybook(path, {"nap=2s", "tablets=9"}, /*quick=*/true);
  REQUIRE(set.ok());
  CHECK(set->parameters == std::vector<std::pair<std::string, std::string>>{{"tablets", "9"}, {"nap", "2s"}});
  // A resumed run must find the same file and values.
  CHECK(book->fingerprint != quick->fingerprint);
  CHECK(quick->fingerprint != set->fingerprint);
  CHECK(LoadPlaybook(path, {}, true)->fingerprint == quick->fingerprint);
}

TEST_CASE("a bad playbook is refused before anything runs, naming file, line and what is wrong", "[playbook]") {
  test::TempDir tmp;
  const std::string bad = tmp / "bad.yaml";
  CHECK_THAT(Refusal(tmp, "name: t\nsteps:\n  - ops: [unclosed\n"), Catch::StartsWith(bad + ":") && Catch::Contains("not YAML"));
  CHECK_THAT(Refusal(tmp, std::string(kHeader) + "  - sleep: 1s\n  - teleport: now\n"),
             Catch::Contains(bad + ":5: unknown step kind \"teleport\""));
  CHECK_THAT(Refusal(tmp, std::string(kHeader) + "  - fault: kill\n    sever: tablet-1\n"),
             Catch::Contains(bad + ":5: fault step: unknown key \"sever\""));
  CHECK_THAT(Refusal(tmp, std::string(kHeader) + "  - fault: kill\n"), Catch::Contains(bad + ":4: fault kill needs server:"));
  CHECK_THAT(Refusal(tmp, std::string(kHeader) + "  - fault: melt\n    server: tablet-1\n"),
             Catch::Contains(bad + ":4: fault: \"melt\" is not one of kill, stop, cont, restart, wipe, damage-wal"));
  CHECK_THAT(Refusal(tmp, std::string(kHeader) + "  - ops: showtable\n  - fault: kill\n    server: ${leader}\n"),
             Catch::Contains(bad + ":5: ${leader} is not a parameter, a built-in or a capture of an earlier step"));
  CHECK_THAT(Refusal(tmp, std::string(kHeader) + "  - sleep: soon\n"), Catch::Contains(bad + ":4: sleep: \"soon\" is not a duration"));
  CHECK_THAT(Refusal(tmp, std::string(kHeader) + "  - wait: showtable\n    until: {every: {a: 1}}\n    timeout: forever\n"),
             Catch::Contains(bad + ":4: timeout:"));
  CHECK_THAT(Refusal(tmp, std::string(kHeader) + "  - wait: showtable\n"), Catch::Contains(bad + ":4: wait needs until:"));
  CHECK_THAT(Refusal(tmp, std::string(kHeader) + "  - assert: showtable\n    expect: {where: {a: 1}}\n"),
             Catch::Contains(bad + ":5: expect tests nothing"));
  CHECK_THAT(Refusal(tmp, std::string(kHeader) + "  - ops: showtable\n    exit: maybe\n"),
             Catch::Contains(bad + ":4: exit: \"maybe\" is not an exit code"));
  CHECK_THAT(Refusal(tmp, std::string(kHeader) + "  - fault: kill\n    server: a\n    server: b\n"),
             Catch::Contains(bad + ":6: key \"server\" given twice"));
  CHECK_THAT(Refusal(tmp, std::string(kHeader) + "  - playground: up\n    tablets: ${nap}\n"),
             Catch::Contains(bad + ":4: tablets: \"10ms\" is not a whole number"));
  CHECK_THAT(Refusal(tmp, "name: t\nsteps: []\n"), Catch::Contains("has no steps"));
  CHECK_THAT(Refusal(tmp, "steps:\n  - report\n"), Catch::Contains(bad + ":1: the playbook has no name"));
  CHECK_THAT(Refusal(tmp, "name: t\nparams: {x: ~}\nsteps:\n  - report\n"), Catch::Contains("parameter x has no default"));
  CHECK_THAT(Refusal(tmp, std::string(kHeader) + "  - report\n", {"tablet=4"}),
             Catch::Contains("--set tablet=4") && Catch::Contains("has no parameter tablet (it has: nap, tablets)"));
  CHECK_THAT(Refusal(tmp, "name: t\nparams: {a: 1}\nquick: {b: 2}\nsteps:\n  - report\n"),
             Catch::Contains(bad + ":3: quick b=2") && Catch::Contains("has no parameter b"));
  CHECK_THAT(Refusal(tmp, std::string(kHeader) + "  - sleep: ${nap}\n", {"nap=later"}),
             Catch::Contains(bad + ":4: sleep: \"later\" is not a duration"));
  CHECK(LoadPlaybook(tmp / "missing.yaml", {}).status().IsNotFound());
}

TEST_CASE("${...}, command lines and durations", "[playbook]") {
  const Variables vars = {{"t", "usertable"}, {"ep", "127.0.0.1:1"}};
  CHECK(*Expand("showtable ${t} on ${ep}", vars) == "showtable usertable on 127.0.0.1:1");
  CHECK(Expand("${nope}", vars).status().IsInvalidArgument());
  CHECK(*Expand("${nope} ${t}", vars, /*keep_unknown=*/true) == "${nope} usertable");
  CHECK(ReferencedNames("a ${x} b ${tablet-1.data_dir}") == std::vector<std::string>{"x", "tablet-1.data_dir"});
  CHECK(IsPlaygroundBuiltin("tablet-2.endpoint"));
  CHECK_FALSE(IsPlaygroundBuiltin("leader"));
  CHECK(*SplitWords("put t k \"a value\" 'it''s'") == std::vector<std::string>{"put", "t", "k", "a value", "its"});
  CHECK(SplitWords("put \"open").status().IsInvalidArgument());
  CHECK(*ParseSeconds("500ms") == Approx(0.5));
  CHECK(*ParseSeconds("2m") == Approx(120));
  CHECK(*ParseSeconds("1.5") == Approx(1.5));
  CHECK_FALSE(ParseSeconds("-1s").ok());
  CHECK_FALSE(ParseSeconds("s").ok());
}

TEST_CASE("what a step checks in a command's JSON lines: where, every, none, count, captures", "[playbook]") {
  const auto rows = ParseRows(
      "{\"pid\":0,\"role\":\"leader\",\"endpoint\":\"a\",\"is_alive\":true,\"offset\":7}\n"
      "a human note, not JSON\n"
      "{\"pid\":0,\"role\":\"follower\",\"endpoint\":\"b\",\"is_alive\":false,\"offset\":5}\n"
      "[{\"pid\":1,\"role\":\"leader\",\"endpoint\":\"b\",\"is_alive\":true,\"offset\":3,\"nested\":{\"n\":2}}]\n");
  REQUIRE(rows.size() == 3);
  auto expect = [](std::vector<ValueTest> where, std::vector<ValueTest> every, std::vector<ValueTest> none,
                   std::optional<ValueTest> count = std::nullopt) {
    return Expectation{1, std::move(where), std::move(every), std::move(none), std::move(count)};
  };
  const Variables vars = {{"old", "a"}};
  CHECK(Check(expect({}, {{"is_alive", "==", "true", {}}}, {}), rows, vars).held == false);
  const Verdict alive = Check(expect({{"is_alive", "==", "true", {}}}, {{"role", "==", "leader", {}}}, {}), rows, vars);
  CHECK(alive.held);
  CHECK_THAT(alive.message, Catch::Contains("2 of 3 rows"));
  // Numbers compare as numbers, and a dotted path reads nested objects.
  CHECK(Check(expect({}, {{"offset", ">=", "3", {}}}, {}), rows, vars).held);
  CHECK_FALSE(Check(expect({}, {{"offset", ">=", "4", {}}}, {}), rows, vars).held);
  CHECK(Check(expect({{"pid", "==", "1", {}}}, {{"nested.n", "==", "2", {}}}, {}), rows, vars).held);
  CHECK(Check(expect({}, {{"role", "in", "", {"leader", "follower"}}}, {}), rows, vars).held);
  // none, with a variable: no row selected may pass all its tests.
  CHECK_FALSE(Check(expect({{"role", "==", "leader", {}}}, {}, {{"endpoint", "==", "${old}", {}}}), rows, vars).held);
  CHECK(Check(expect({{"pid", "==", "1", {}}}, {}, {{"endpoint", "==", "${old}", {}}}), rows, vars).held);
  CHECK(Check(expect({{"role", "==", "leader", {}}}, {}, {}, ValueTest{"", "==", "2", {}}), rows, vars).held);
  CHECK_FALSE(Check(expect({{"role", "==", "leader", {}}}, {}, {}, ValueTest{"", ">=", "3", {}}), rows, vars).held);
  // every needs a row to hold on, and a field that is there.
  const Verdict nothing = Check(expect({{"pid", "==", "9", {}}}, {{"is_alive", "==", "true", {}}}, {}), rows, vars);
  CHECK_FALSE(nothing.held);
  CHECK_THAT(nothing.message, Catch::Contains("no row to check"));
  const Verdict missing = Check(expect({}, {{"lag", "==", "0", {}}}, {}), rows, vars);
  CHECK_FALSE(missing.held);
  CHECK_THAT(missing.message, Catch::Contains("no field lag"));
  CHECK_FALSE(Check(expect({}, {{"role", "==", "${unset}", {}}}, {}), rows, vars).held);

  CHECK(*CaptureValue({"x", {{"role", "==", "leader", {}}, {"pid", "==", "0", {}}}, "endpoint", std::nullopt}, rows, vars) == "a");
  CHECK(*CaptureValue({"x", {{"role", "==", "leader", {}}}, "offset", 1}, rows, vars) == "3");
  CHECK(CaptureValue({"x", {{"role", "==", "leader", {}}}, "endpoint", std::nullopt}, rows, vars).status().IsFailedPrecondition());
  CHECK(CaptureValue({"x", {}, "endpoint", 5}, rows, vars).status().IsFailedPrecondition());
}

TEST_CASE("a dry run prints every step with its parameters put in and touches nothing", "[playbook]") {
  test::TempDir tmp;
  const std::string path = Write(tmp, "p.yaml", R"(name: dry
params: {tablets: 5}
steps:
  - playground: up
    tablets: ${tablets}
  - ops: showtable t
    capture:
      leader: {where: {role: leader}, field: endpoint}
  - fault: kill
    server: ${leader}
)");
  auto book = LoadPlaybook(path, {"tablets=7"});
  REQUIRE(book.ok());
  std::FILE* out = std::tmpfile();
  auto outcome = RunPlaybook(*book, {.dir = tmp / "run", .dry_run = true, .out = out});
  REQUIRE(outcome.ok());
  CHECK(*outcome == RunOutcome::kPassed);
  std::rewind(out);
  std::string printed(4096, '\0');
  printed.resize(std::fread(printed.data(), 1, printed.size(), out));
  std::fclose(out);
  CHECK_THAT(printed, Catch::Contains("[1/3] playground up tablets=7") &&
                          Catch::Contains("[3/3] fault kill server=${leader}"));  // known only when it runs
  CHECK_FALSE(PathExists(tmp / "run"));
}

TEST_CASE("a run's state: Ctrl-C stops it where it was, --resume continues there, refused resumes say why",
          "[playbook]") {
  test::TempDir tmp;
  // Steps that need no playground: sleeps and a report.
  const std::string path = Write(tmp, "p.yaml", R"(name: resumable
params: {long: 60s}
steps:
  - sleep: 10ms
  - sleep: ${long}
  - report
)");
  auto book = LoadPlaybook(path, {});
  REQUIRE(book.ok());
  const std::string dir = tmp / "run";
  std::atomic<bool> interrupted{false};
  std::FILE* out = std::tmpfile();
  // Ctrl-C once the run is in its long sleep (its state says step 2 is next).
  std::thread ctrl_c([&] {
    for (int i = 0; i < 6000; ++i) {
      auto state = LoadRunState(dir);
      if (state.ok() && state->next_step == 1) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    interrupted = true;
  });
  auto outcome = RunPlaybook(*book, {.dir = dir, .out = out, .interrupted = &interrupted});
  ctrl_c.join();
  REQUIRE(outcome.ok());
  CHECK(*outcome == RunOutcome::kInterrupted);
  auto state = LoadRunState(dir);
  REQUIRE(state.ok());
  CHECK(state->next_step == 1);  // the interrupted step runs again
  CHECK(state->report.outcome == "interrupted");
  REQUIRE(state->report.steps.size() == 2);
  CHECK(state->report.steps[1].outcome == "interrupted");
  CHECK(PathExists(dir + "/report.html"));

  // A second run into the same folder, a resume with other values, of a finished run: refused.
  CHECK_THAT(RunPlaybook(*book, {.dir = dir, .out = out}).status().message(), Catch::Contains("--resume continues it"));
  auto other = LoadPlaybook(path, {"long=1ms"});
  REQUIRE(other.ok());
  CHECK_THAT(RunPlaybook(*other, {.dir = dir, .resume = true, .out = out}).status().message(),
             Catch::Contains("other --set values"));
  CHECK(RunPlaybook(*book, {.dir = tmp / "nothing", .resume = true, .out = out}).status().IsInvalidArgument());

  // The state file says where to go on: rewrite it as a run whose long sleep is over.
  state->next_step = 2;
  REQUIRE(SaveRunState(*state, dir).ok());
  auto resumed = RunPlaybook(*book, {.dir = dir, .resume = true, .out = out});
  REQUIRE(resumed.ok());
  CHECK(*resumed == RunOutcome::kPassed);
  state = LoadRunState(dir);
  REQUIRE(state.ok());
  CHECK(state->report.outcome == "passed");
  CHECK(state->report.steps.back().text == "report");
  CHECK_THAT(RunPlaybook(*book, {.dir = dir, .resume = true, .out = out}).status().message(),
             Catch::Contains("finished (passed)"));
  std::fclose(out);
}

TEST_CASE("disk faults: wipe keeps only the logs, damage-wal flips a byte mid-segment or tears the tail, "
          "and both refuse a server that runs",
          "[playbook]") {
  test::TempDir tmp;
  ops::ServerRecord server{.name = "tablet-1", .role = ops::kRoleTablet, .data_dir = tmp / "tablet-1"};
  const std::string wal = server.data_dir + "/partitions/3_1/wal";
  REQUIRE(CreateDirs(wal).ok());
  std::string bytes(1000, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = char(i % 251);
  test::WriteFile(wal + "/00000000000000000001.log", bytes);
  test::WriteFile(wal + "/00000000000000000900.log", bytes);
  test::WriteFile(wal + "/00000000000000000950.log", "");  // the newest, still empty: not the one damaged
  test::WriteFile(server.stdout_path(), "out");
  test::WriteFile(server.stderr_path(), "err");

  auto flipped = DamageWal(server, 3, 1, WalDamage::kMiddle);
  INFO(flipped.status().ToString());
  REQUIRE(flipped.ok());
  CHECK_THAT(*flipped, Catch::Contains("flipped byte 500 of") && Catch::Contains("00000000000000000900.log"));
  const std::string after = test::ReadFile(wal + "/00000000000000000900.log");
  REQUIRE(after.size() == bytes.size());
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (after[i] != bytes[i]) CHECK(i == 500);
  }
  CHECK(after[500] != bytes[500]);
  CHECK(test::ReadFile(wal + "/00000000000000000001.log") == bytes);
  REQUIRE(DamageWal(server, 3, 1, WalDamage::kTail).ok());
  CHECK(test::ReadFile(wal + "/00000000000000000900.log").size() == bytes.size() - 7);
  CHECK(DamageWal(server, 3, 2, WalDamage::kTail).status().IsNotFound());

  // A server that runs sees no disk fault: both refuse.
  auto sleeper = ops::Spawn({"/bin/sleep", {"30"}, tmp / "sleep.out", tmp / "sleep.err", {}});
  REQUIRE(sleeper.ok());
  server.process = *sleeper;
  CHECK(DamageWal(server, 3, 1, WalDamage::kMiddle).status().IsFailedPrecondition());
  CHECK(WipeDataDir(server).status().IsFailedPrecondition());
  REQUIRE(ops::KillAndWait(*sleeper).ok());

  auto wiped = WipeDataDir(server);
  REQUIRE(wiped.ok());
  auto left = ListDir(server.data_dir);
  REQUIRE(left.ok());
  CHECK(*left == std::vector<std::string>{"stderr.log", "stdout.log"});
}
