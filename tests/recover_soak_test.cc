// `ops recoverdata` soak (label soak, outside the default run): full outages
// at random moments of a write load at wal_level 2, acks majority. Each
// cycle ends every running tablet and the nameserver at once, by a power cut
// (odd cycles: the tablets are tablet-power-cut, whose WAL files lose what was
// not synced, torn, on SIGUSR1) or by SIGKILL (even cycles), restarts
// the nameserver and a random non-empty subset of the tablets, starts new
// ones up to three running, reads the others' data dirs offline, and runs
// `ops recoverdata run`. When the plan holds a partition because its best
// replica is on a tablet that does not run, the test does what the message
// tells an operator (start that tablet) and runs it again. Every cycle ends
// verified; at the end every acknowledged write of every cycle is read back:
// "acknowledged writes lost: 0". KV_SOAK_CYCLES (default 20), KV_SOAK_SEED.
#include <signal.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <random>

#include "common/file.h"
#include "ops/playground/process.h"
#include "tests/ops_run_util.h"
#include "tests/playground_failover_util.h"
#include "tests/playground_test_util.h"
#include "tests/recover_test_util.h"

using namespace kv;
using namespace kv::test;
using namespace std::chrono_literals;

namespace {

int EnvInt(const char* name, int fallback) {
  const char* text = std::getenv(name);
  const int n = text != nullptr ? std::atoi(text) : 0;
  return n > 0 ? n : fallback;
}

std::vector<ops::ServerRecord> Running(ops::Playground& pg, const char* role) {
  std::vector<ops::ServerRecord> out;
  for (const ops::ServerView& v : pg.Display()) {
    if (v.server.role == role && v.state == ops::ProcessState::kAlive) out.push_back(v.server);
  }
  return out;
}

// A bin dir whose tablet is tablet-power-cut: the playground starts it for every tablet.
std::string PowerCutBinDir(const TempDir& tmp) {
  const std::string bin = tmp / "bin";
  REQUIRE(CreateDirs(bin).ok());
  REQUIRE(::symlink(KV_BINARY_DIR "/cluster/nameserver/nameserver", (bin + "/nameserver").c_str()) == 0);
  REQUIRE(::symlink(KV_BINARY_DIR "/tests/tablet-power-cut", (bin + "/tablet").c_str()) == 0);
  return bin;
}

// The power goes out on every tablet at once: SIGUSR1 to each, then each is gone.
void PowerCut(const std::vector<ops::ServerRecord>& tablets) {
  for (const ops::ServerRecord& s : tablets) REQUIRE(::kill(s.process.pid, SIGUSR1) == 0);
  for (const ops::ServerRecord& s : tablets) REQUIRE(ops::WaitForState(s.process, ops::ProcessState::kDead, 30s));
}

}  // namespace

TEST_CASE("recoverdata soak: full outages at random moments, a random minority restarted, the rest read offline",
          "[playground][recover][soak]") {
  const int cycles = EnvInt("KV_SOAK_CYCLES", 20);
  const unsigned seed = static_cast<unsigned>(EnvInt("KV_SOAK_SEED", static_cast<int>(std::random_device{}() & 0xffff)));
  std::printf("recoverdata soak: %d cycles, seed %u\n", cycles, seed);
  std::mt19937 random(seed);
  TempDir tmp;
  PlaygroundSpec spec;
  spec.bin_dir = PowerCutBinDir(tmp);
  auto pg = StartPlayground(tmp, spec);
  {
    auto client = ConnectTo(pg->get());
    v1::CreateTableRequest create;
    create.set_name("t");
    create.set_partitions(4);
    create.set_replicas(3);
    create.set_wal_level(2);
    REQUIRE(client->CreateTable(create).ok());
  }
  std::vector<std::string> acked;
  for (int cycle = 1; cycle <= cycles; ++cycle) {
    INFO("cycle " << cycle << " (seed " << seed << ")");
    std::vector<ops::ServerRecord> tablets = Running(pg->get(), ops::kRoleTablet);
    const std::vector<ops::ServerRecord> nameservers = Running(pg->get(), ops::kRoleNameserver);
    REQUIRE(tablets.size() >= 3);
    {
      auto client = ConnectTo(pg->get());
      WriteLoad load(*client, 2, "c" + std::to_string(cycle) + "-");
      // A random moment: after a random number of acknowledged writes.
      const size_t moment = std::uniform_int_distribution<size_t>(10, 200)(random);
      REQUIRE(WaitUntil(60s, [&] { return load.acked() >= moment; }));
      if (cycle % 2 == 1) {
        PowerCut(tablets);
      } else {
        for (const ops::ServerRecord& s : tablets) REQUIRE(pg->get().Signal(s.name, SIGKILL).ok());
      }
      for (const ops::ServerRecord& s : nameservers) REQUIRE(pg->get().Signal(s.name, SIGKILL).ok());
      load.Stop();
      const std::vector<std::string> keys = load.acked_keys();
      acked.insert(acked.end(), keys.begin(), keys.end());
    }
    for (const ops::ServerRecord& s : nameservers) REQUIRE(pg->get().Restart(s.name, 60s).ok());
    std::shuffle(tablets.begin(), tablets.end(), random);
    const size_t restarted = std::uniform_int_distribution<size_t>(1, tablets.size() - 1)(random);
    for (size_t i = 0; i < restarted; ++i) REQUIRE(pg->get().Restart(tablets[i].name, 60s).ok());
    if (restarted < 3) REQUIRE(pg->get().ScaleOut(static_cast<int>(3 - restarted), 60s).ok());
    std::vector<std::string> reports;
    for (size_t i = restarted; i < tablets.size(); ++i) {
      reports.push_back("--offline");
      reports.push_back(WriteReport(tmp, tablets[i].data_dir, "c" + std::to_string(cycle) + "-" + tablets[i].name + ".json"));
    }
    auto client = ConnectTo(pg->get());
    REQUIRE(WaitUntil(60s, [&] { return OpsFinal(*client); }));  // auto_failover's own round first
    std::vector<std::string> args = {"recoverdata", "run", "--yes", "--ns", pg->get().NameserverList()};
    args.insert(args.end(), reports.begin(), reports.end());
    Run run = RunOps(tmp, With(args));
    if (run.code != 0 && run.out.find("start a tablet on that data dir") != std::string::npos) {
      // What the plan tells the operator: the best replica's tablet is started, then recoverdata again.
      std::printf("cycle %d: a best replica is on a dead tablet: starting the dead tablets, recovering again\n", cycle);
      for (size_t i = restarted; i < tablets.size(); ++i) REQUIRE(pg->get().Restart(tablets[i].name, 60s).ok());
      REQUIRE(WaitUntil(60s, [&] { return OpsFinal(*client); }));
      run = RunOps(tmp, With({"recoverdata", "run", "--yes", "--ns", pg->get().NameserverList()}));
    }
    INFO(run.out << run.err);
    REQUIRE(run.code == 0);
    REQUIRE(WaitUntil(30s, [&] { return AutoFailover(*client) == "true"; }));
    std::printf("cycle %d (%s): %zu of %zu tablets restarted, recovered\n", cycle,
                cycle % 2 == 1 ? "power cut" : "SIGKILL", restarted, tablets.size());
  }
  auto client = ConnectTo(pg->get());
  const size_t lost = MissingOf(*client, acked);
  std::printf("acknowledged writes checked: %zu, lost: %zu\n", acked.size(), lost);
  std::printf("acknowledged writes lost: %zu\n", lost);
  CHECK(lost == 0);
}
