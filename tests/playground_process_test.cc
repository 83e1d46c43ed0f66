// The playground's process supervision against stand-in programs (sleep and
// sh scripts), its port picking, its state file and its binary lookup:
// everything that needs no real server. Every process started here is
// stopped and reaped by PID before its test ends, even when a check fails.
#include <catch2/catch.hpp>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <thread>

#include "common/file.h"
#include "ops/playground/free_port.h"
#include "ops/playground/playground.h"
#include "ops/playground/playground_state.h"
#include "ops/playground/process.h"
#include "ops/playground/server_binaries.h"
#include "tests/test_util.h"

using namespace kv;
using namespace kv::ops;
namespace fs = std::filesystem;

namespace {

// Stops the processes when the test ends, however it ends.
struct Reaper {
  std::vector<ProcessId> ids;
  ~Reaper() {
    for (const ProcessId& id : ids) (void)KillAndWait(id);
  }
};

ProcessId Start(const test::TempDir& tmp, Reaper* reaper, const std::string& binary, std::vector<std::string> args) {
  auto id = Spawn({binary, std::move(args), tmp / "out.log", tmp / "err.log"});
  INFO(id.status().message());
  REQUIRE(id.ok());
  reaper->ids.push_back(*id);
  return *id;
}

bool Eventually(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

bool FileHas(const std::string& path, const std::string& text) {
  auto content = ReadWholeFile(path);
  return content.ok() && content->find(text) != std::string::npos;
}

void WriteScript(const std::string& path, const std::string& body) {
  test::WriteFile(path, "#!/bin/sh\n" + body + "\n");
  fs::permissions(path, fs::perms::owner_all);
}

}  // namespace

TEST_CASE("a spawned process is alive, stopped by SIGSTOP, alive after SIGCONT, dead after SIGKILL",
          "[playground]") {
  test::TempDir tmp;
  Reaper reaper;
  const ProcessId id = Start(tmp, &reaper, "/bin/sleep", {"600"});
  CHECK(Probe(id) == ProcessState::kAlive);
  REQUIRE(SendSignal(id, SIGSTOP).ok());
  CHECK(WaitForState(id, ProcessState::kStopped, std::chrono::seconds(10)));
  REQUIRE(SendSignal(id, SIGCONT).ok());
  CHECK(WaitForState(id, ProcessState::kAlive, std::chrono::seconds(10)));
  REQUIRE(KillAndWait(id).ok());
  CHECK(Probe(id) == ProcessState::kDead);
  CHECK(SendSignal(id, SIGTERM).IsFailedPrecondition());
}

TEST_CASE("a spawned process leads its own session and writes stdout and stderr to files", "[playground]") {
  test::TempDir tmp;
  Reaper reaper;
  const ProcessId id = Start(tmp, &reaper, "/bin/sh", {"-c", "echo to-out; echo to-err >&2; exec sleep 600"});
  CHECK(Eventually([&] { return FileHas(tmp / "out.log", "to-out") && FileHas(tmp / "err.log", "to-err"); }));
  CHECK(::getsid(id.pid) == id.pid);
}

TEST_CASE("a binary that cannot run is an error, not a process", "[playground]") {
  test::TempDir tmp;
  auto id = Spawn({tmp / "no-such-binary", {}, tmp / "out.log", tmp / "err.log"});
  REQUIRE(!id.ok());
  CHECK_THAT(id.status().message(), Catch::Contains("cannot run") && Catch::Contains("no-such-binary"));
}

TEST_CASE("a process that exits by itself is seen as dead (and reaped)", "[playground]") {
  test::TempDir tmp;
  Reaper reaper;
  const ProcessId id = Start(tmp, &reaper, "/bin/sh", {"-c", "exit 3"});
  CHECK(WaitUntilGone(id, std::chrono::seconds(10)));
}

TEST_CASE("a PID whose start time differs is another process: never signalled", "[playground]") {
  test::TempDir tmp;
  Reaper reaper;
  const ProcessId id = Start(tmp, &reaper, "/bin/sleep", {"600"});
  const ProcessId impostor{id.pid, id.start_time + 1};
  CHECK(Probe(impostor) == ProcessState::kDead);
  CHECK(SendSignal(impostor, SIGKILL).IsFailedPrecondition());
  CHECK(Probe(id) == ProcessState::kAlive);
  CHECK(KillAndWait(impostor).ok());  // nothing to do: "it" is gone
  CHECK(Probe(id) == ProcessState::kAlive);
}

TEST_CASE("stopping: SIGTERM first, stopped ones continued, SIGKILL after the grace", "[playground]") {
  test::TempDir tmp;
  Reaper reaper;
  const ProcessId polite = Start(tmp, &reaper, "/bin/sleep", {"600"});
  const ProcessId paused = Start(tmp, &reaper, "/bin/sleep", {"600"});
  // SIG_IGN survives exec: this sleep ignores SIGTERM once the marker exists.
  const ProcessId stubborn =
      Start(tmp, &reaper, "/bin/sh", {"-c", "trap '' TERM; touch " + tmp / "trapped" + "; exec sleep 600"});
  const ProcessId gone = Start(tmp, &reaper, "/bin/sh", {"-c", "exit 0"});
  REQUIRE(Eventually([&] { return PathExists(tmp / "trapped"); }));
  REQUIRE(WaitUntilGone(gone, std::chrono::seconds(10)));
  REQUIRE(SendSignal(paused, SIGSTOP).ok());
  REQUIRE(WaitForState(paused, ProcessState::kStopped, std::chrono::seconds(10)));

  // A grace a loaded machine keeps for the polite ones; the stubborn one is killed after it.
  auto outcomes = StopAll({polite, paused, stubborn, gone}, std::chrono::seconds(3));
  REQUIRE(outcomes.ok());
  CHECK((*outcomes)[0] == StopOutcome::kExited);
  CHECK((*outcomes)[1] == StopOutcome::kExited);
  CHECK((*outcomes)[2] == StopOutcome::kKilled);
  CHECK((*outcomes)[3] == StopOutcome::kAlreadyGone);
  for (const ProcessId& id : {polite, paused, stubborn}) CHECK(Probe(id) == ProcessState::kDead);
}

TEST_CASE("free ports are distinct and bindable", "[playground]") {
  std::set<int> taken;
  for (int i = 0; i < 20; ++i) {
    auto port = PickFreePort(&taken);
    REQUIRE(port.ok());
    CHECK(*port > 0);
  }
  CHECK(taken.size() == 20);
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(*taken.begin()));
  CHECK(::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
}

TEST_CASE("the state file round-trips and refuses what it cannot trust", "[playground]") {
  test::TempDir tmp;
  PlaygroundState state;
  state.dir = tmp.path();
  state.created = "2026-01-01T00:00:00Z";
  state.zk_cluster = "127.0.0.1:2181";
  state.zk_root_path = "/kv";
  state.nameserver_binary = "/bin/ns";
  state.tablet_binary = "/bin/tablet";
  state.tablet_flags = {"--log-level", "debug"};
  state.servers.push_back({"nameserver", kRoleNameserver, "127.0.0.1:1", tmp / "nameserver", {"--a", "b"}, {42, 7}});
  state.servers.push_back({"tablet-1", kRoleTablet, "127.0.0.1:2", tmp / "tablet-1", {}, {43, 8}});
  REQUIRE(SaveState(state).ok());
  CHECK(!PathExists(PlaygroundStatePath(tmp.path()) + ".tmp"));

  auto loaded = LoadState(tmp.path());
  REQUIRE(loaded.ok());
  CHECK(loaded->zk_cluster == "127.0.0.1:2181");
  CHECK(loaded->tablet_flags == state.tablet_flags);
  REQUIRE(loaded->servers.size() == 2);
  CHECK(loaded->servers[0].args == std::vector<std::string>{"--a", "b"});
  CHECK(loaded->servers[1].process.pid == 43);
  CHECK(loaded->servers[1].process.start_time == 8);
  CHECK(loaded->EndpointsOf(kRoleTablet) == std::vector<std::string>{"127.0.0.1:2"});

  test::TempDir empty;
  auto missing = LoadState(empty.path());
  CHECK(missing.status().IsInvalidArgument());
  CHECK_THAT(missing.status().message(), Catch::Contains("ops playground up"));

  const std::string text = test::ReadFile(PlaygroundStatePath(tmp.path()));
  test::WriteFile(PlaygroundStatePath(tmp.path()), text.substr(0, text.size() / 2));
  CHECK_THAT(LoadState(tmp.path()).status().message(), Catch::Contains("damaged"));
  test::WriteFile(PlaygroundStatePath(tmp.path()), R"({"format_version": 2})");
  CHECK_THAT(LoadState(tmp.path()).status().message(), Catch::Contains("format_version 2"));
  test::WriteFile(PlaygroundStatePath(tmp.path()), R"({"format_version": 1, "servers": 3})");
  CHECK(LoadState(tmp.path()).status().IsInvalidArgument());
}

TEST_CASE("server binaries are found in a folder or in a build tree under it", "[playground]") {
  test::TempDir tmp;
  auto none = FindServerBinaries(tmp.path());
  CHECK(none.status().IsInvalidArgument());
  CHECK_THAT(none.status().message(), Catch::Contains("--bin-dir"));

  fs::create_directories(tmp / "cluster/nameserver");
  fs::create_directories(tmp / "cluster/tablet");
  WriteScript(tmp / "cluster/nameserver/nameserver", "exit 0");
  WriteScript(tmp / "cluster/tablet/tablet", "exit 0");
  auto tree = FindServerBinaries(tmp.path());
  REQUIRE(tree.ok());
  CHECK(tree->tablet == tmp / "cluster/tablet/tablet");

  WriteScript(tmp / "nameserver", "exit 0");
  WriteScript(tmp / "tablet", "exit 0");
  auto flat = FindServerBinaries(tmp.path());
  REQUIRE(flat.ok());
  CHECK(flat->nameserver == tmp / "nameserver");
}

namespace {

// A bin dir whose "servers" are scripts.
struct FakeServers {
  explicit FakeServers(const std::string& ns_body, const std::string& tablet_body) {
    WriteScript(bin / "nameserver", ns_body);
    WriteScript(bin / "tablet", tablet_body);
  }
  test::TempDir bin;
};

PlaygroundOptions Options(const test::TempDir& tmp, const FakeServers& fake, int timeout_ms = 10000) {
  PlaygroundOptions o;
  o.dir = tmp / "pg";
  o.tablets = 2;
  o.bin_dir = fake.bin.path();
  o.timeout = std::chrono::milliseconds(timeout_ms);
  return o;
}

void CheckAllDead(const std::string& dir) {
  auto state = LoadState(dir);
  REQUIRE(state.ok());
  REQUIRE(state->servers.size() == 3);
  for (const ServerRecord& s : state->servers) {
    INFO(s.name);
    CHECK(s.process.pid > 0);
    CHECK(Probe(s.process) == ProcessState::kDead);
  }
}

}  // namespace

TEST_CASE("playground up reports a server that dies at start, and leaves nothing running", "[playground]") {
  test::TempDir tmp;
  FakeServers fake("exec sleep 600", "echo 'tablet: unknown flag --bogus' >&2; exit 2");
  auto up = Playground::Up(Options(tmp, fake));
  REQUIRE(!up.ok());
  CHECK_THAT(up.status().message(), Catch::Contains("exited while starting") &&
                                        Catch::Contains("unknown flag --bogus") && Catch::Contains("stderr.log"));
  CheckAllDead(tmp / "pg");
  // What failed stays for a look until clean removes it.
  CHECK(PathExists(tmp / "pg/tablet-1/stderr.log"));
  REQUIRE(Playground::Clean(tmp / "pg").ok());
  CHECK(!PathExists(tmp / "pg"));
}

TEST_CASE("playground up gives up at its deadline and stops what it started", "[playground]") {
  test::TempDir tmp;
  FakeServers fake("exec sleep 600", "exec sleep 600");  // running, but never serving
  auto up = Playground::Up(Options(tmp, fake, 300));
  REQUIRE(!up.ok());
  CHECK_THAT(up.status().message(), Catch::Contains("did not come up within 300 ms"));
  CheckAllDead(tmp / "pg");
}

TEST_CASE("playground up refuses a folder that holds anything", "[playground]") {
  test::TempDir tmp;
  FakeServers fake("exit 0", "exit 0");
  fs::create_directories(tmp / "pg");
  test::WriteFile(tmp / "pg/precious.txt", "x");
  auto up = Playground::Up(Options(tmp, fake));
  CHECK(up.status().IsInvalidArgument());
  CHECK(PathExists(tmp / "pg/precious.txt"));
  CHECK(Playground::Clean(tmp / "pg").IsInvalidArgument());  // no state file: not ours to remove
  CHECK(PathExists(tmp / "pg/precious.txt"));
}

TEST_CASE("playground up checks its flags before starting anything", "[playground]") {
  test::TempDir tmp;
  FakeServers fake("exit 0", "exit 0");
  PlaygroundOptions o = Options(tmp, fake);
  o.tablets = 0;
  CHECK(Playground::Up(o).status().IsInvalidArgument());
  o.tablets = 1;
  o.zk_cluster = "127.0.0.1:2181";
  CHECK(Playground::Up(o).status().IsInvalidArgument());  // without --zk-root-path
  CHECK(!PathExists(tmp / "pg"));
}

TEST_CASE("a recorded playground: display, stop, cont, kill and down act on its PIDs", "[playground]") {
  test::TempDir tmp;
  Reaper reaper;
  PlaygroundState state;
  state.dir = tmp / "pg";
  REQUIRE(CreateDirs(state.dir).ok());
  state.nameserver_binary = state.tablet_binary = "/bin/sleep";
  for (const char* name : {"nameserver", "tablet-1", "tablet-2"}) {
    const bool ns = std::string(name) == "nameserver";
    ServerRecord s{name, ns ? kRoleNameserver : kRoleTablet, "127.0.0.1:" + std::to_string(100 + state.servers.size()),
                   state.dir + "/" + name, {"600"}, {}};
    s.process = Start(tmp, &reaper, "/bin/sleep", {"600"});
    state.servers.push_back(s);
  }
  REQUIRE(SaveState(state).ok());

  auto pg = Playground::Open(state.dir);
  REQUIRE(pg.ok());
  for (const ServerView& v : pg->Display()) CHECK(v.state == ProcessState::kAlive);
  REQUIRE(pg->Signal("tablet-1", SIGSTOP).ok());
  REQUIRE(pg->Signal("127.0.0.1:102", SIGKILL).ok());  // tablet-2, by endpoint
  auto views = pg->Display();
  CHECK(views[0].state == ProcessState::kAlive);
  CHECK(views[1].state == ProcessState::kStopped);
  CHECK(views[2].state == ProcessState::kDead);
  CHECK(pg->Signal("tablet-2", SIGSTOP).IsFailedPrecondition());
  CHECK(pg->Signal("tablet-9", SIGKILL).IsInvalidArgument());
  CHECK(Playground::Clean(state.dir).IsFailedPrecondition());  // still running

  auto down = pg->Down(std::chrono::seconds(5));
  REQUIRE(down.ok());
  CHECK((*down)[0] == StopOutcome::kExited);
  CHECK((*down)[1] == StopOutcome::kExited);  // stopped, continued, then it took its SIGTERM
  CHECK((*down)[2] == StopOutcome::kAlreadyGone);
  for (const ServerView& v : pg->Display()) CHECK(v.state == ProcessState::kDead);
  REQUIRE(Playground::Clean(state.dir).ok());
  CHECK(!PathExists(state.dir));
}
