// `ops recoverdata` for what auto_failover and a plain recovery cannot do,
// on real processes (docs/recoverdata.md "Accepted loss"): a partition whose
// only replica left is damaged is repaired in place by its tablet and leads
// with its intact records; a partition no replica holds is created empty
// (neither without --accept-data-loss); the best replica, on a tablet that
// cannot start, is copied to a running tablet and leads, its original left
// untouched. The playground goes down by PID when a test ends, whatever
// happened.
#include <signal.h>

#include <catch2/catch.hpp>

#include "common/file.h"
#include "tests/ops_run_util.h"
#include "tests/playground_failover_util.h"
#include "tests/playground_test_util.h"
#include "tests/recover_test_util.h"

using namespace kv;
using namespace kv::test;
using namespace std::chrono_literals;

namespace {

// A 3-tablet playground with table t (partitions x 3 replicas) written by a
// load, quiesced and converged, then every process SIGKILLed; `damage` runs
// on the dead data dirs before everything is restarted.
struct Outage {
  Outage(const TempDir& tmp, uint32_t partitions) : pg(StartPlayground(tmp, 3)) {
    auto c = ConnectTo(pg->get());
    CreateT(*c, partitions, 3);
    {
      WriteLoad load(*c, 2);
      REQUIRE(WaitUntil(30s, [&] { return load.acked() >= 300; }));
      load.Stop();
      acked = load.acked_keys();
    }
    RequireConverged(*c, pg->get(), Alive::kAll);
    auto shown = c->ShowTable("t");
    REQUIRE(shown.ok());
    tid = shown->front().tid();
    for (const ops::ServerView& v : pg->get().Display()) {
      (v.server.role == ops::kRoleTablet ? tablets : nameservers).push_back(v.server);
    }
    for (const auto* group : {&tablets, &nameservers}) {
      for (const ops::ServerRecord& s : *group) REQUIRE(pg->get().Signal(s.name, SIGKILL).ok());
    }
  }
  std::string Folder(size_t tablet, uint32_t pid) const {
    return tablets[tablet].data_dir + "/partitions/" + std::to_string(tid) + "_" + std::to_string(pid);
  }
  void RestartAll() { Restart(tablets.size()); }
  // The nameserver and the first `count` tablets.
  void Restart(size_t count) {
    std::vector<ops::ServerRecord> wanted = nameservers;
    wanted.insert(wanted.end(), tablets.begin(), tablets.begin() + count);
    for (const ops::ServerRecord& s : wanted) {
      // A tablet whose replica fails to open runs, and says so: what these tests want.
      auto restarted = pg->get().Restart(s.name, 60s);
      INFO(s.name << ": " << restarted.status().ToString());
      REQUIRE((restarted.ok() || restarted.status().message().find("failed to open") != std::string::npos));
    }
    client = ConnectTo(pg->get());
  }
  std::vector<std::string> Args(std::vector<std::string> args) const {
    args.insert(args.end(), {"--ns", pg->get().NameserverList()});
    return With(args);
  }

  std::unique_ptr<ops::ScopedPlayground> pg;
  std::unique_ptr<client::Client> client;
  std::vector<ops::ServerRecord> tablets, nameservers;
  std::vector<std::string> acked;
  uint32_t tid = 0;
};

// One bit flipped late in the replica's first WAL segment: damage with intact
// records after it.
void DamageWalMidLog(const std::string& folder) {
  auto segments = ListDir(folder + "/wal");
  REQUIRE(segments.ok());
  std::string first;
  for (const std::string& name : *segments) {
    if (name.find(".log") != std::string::npos && (first.empty() || name < first)) first = name;
  }
  REQUIRE_FALSE(first.empty());
  const std::string path = folder + "/wal/" + first;
  const std::string bytes = ReadFile(path);
  REQUIRE(bytes.size() > 1000);
  FlipBit(path, bytes.size() * 9 / 10);
}

// `recoverdata run` refuses (exit 1, saying `refusal`), then runs with
// --accept-data-loss (exit 0); its output.
Run RefusedThenAccepted(const TempDir& tmp, const Outage& outage, const std::string& refusal) {
  Run refused = RunOps(tmp, outage.Args({"recoverdata", "run", "--yes"}));
  INFO(refused.out << refused.err);
  CHECK(refused.code == 1);
  CHECK_THAT(refused.out + refused.err, Catch::Contains(refusal));
  Run run = RunOps(tmp, outage.Args({"recoverdata", "run", "--yes", "--accept-data-loss"}));
  INFO(run.out << run.err);
  REQUIRE(run.code == 0);
  return run;
}

}  // namespace

TEST_CASE("recoverdata: the only replica left is damaged, with --accept-data-loss its tablet repairs it and it leads",
          "[playground][recover]") {
  TempDir tmp;
  Outage outage(tmp, 1);
  DamageWalMidLog(outage.Folder(0, 0));
  // The other two replicas' disks are lost: their tablets come back empty.
  REQUIRE(RemoveTree(outage.Folder(1, 0)).ok());
  REQUIRE(RemoveTree(outage.Folder(2, 0)).ok());
  outage.RestartAll();

  const Run run = RefusedThenAccepted(tmp, outage, "--accept-data-loss");
  INFO(run.out << run.err);
  CHECK_THAT(run.out, Catch::Contains("repaired in place"));
  CHECK_THAT(run.out, Catch::Contains("verify: 1 of 1 partitions recovered"));
  auto p = PartitionNow(*outage.client, 0);
  REQUIRE(p.has_value());
  CHECK(p->leader() == outage.tablets[0].endpoint);
  // Only what the flipped bit destroyed is gone; the salvaged originals are kept.
  const size_t missing = MissingOf(*outage.client, outage.acked);
  INFO("missing " << missing << " of " << outage.acked.size());
  CHECK(missing < outage.acked.size() / 4);
  auto quarantined = ListDir(outage.tablets[0].data_dir + "/quarantine");
  REQUIRE(quarantined.ok());
  CHECK_FALSE(quarantined->empty());
}

TEST_CASE("recoverdata: a partition no replica holds is created empty only with --accept-data-loss",
          "[playground][recover]") {
  TempDir tmp;
  Outage outage(tmp, 2);
  for (size_t t = 0; t < 3; ++t) REQUIRE(RemoveTree(outage.Folder(t, 0)).ok());
  outage.RestartAll();

  const Run run = RefusedThenAccepted(tmp, outage, "no-replica");
  INFO(run.out << run.err);
  CHECK_THAT(run.out, Catch::Contains("created empty"));
  // pid 1's writes all read back; pid 0's are gone, and it takes new ones.
  size_t lost = MissingOf(*outage.client, outage.acked);
  size_t on_pid0 = 0;
  for (const std::string& key : outage.acked) on_pid0 += client::PartitionOf(key, 2) == 0;
  CHECK(lost == on_pid0);
  auto p = PartitionNow(*outage.client, 0);
  REQUIRE(p.has_value());
  CHECK(p->replicas_size() == 3);
  CHECK(std::all_of(p->replicas().begin(), p->replicas().end(), [](const v1::ReplicaInfo& r) { return r.is_alive(); }));
  REQUIRE(outage.client->Put("t", "after", "v").ok());
}

TEST_CASE("recoverdata: the best replica is on a tablet that cannot start, a running tablet copies it and leads",
          "[playground][recover]") {
  TempDir tmp;
  Outage outage(tmp, 1);
  // Tablet 1 comes back without its replica; tablets 2 and 3 cannot start,
  // their disks are readable (read offline); two new tablets join.
  REQUIRE(RemoveTree(outage.Folder(0, 0)).ok());
  outage.Restart(1);
  auto added = outage.pg->get().ScaleOut(2, 60s);
  INFO(added.status().ToString());
  REQUIRE(added.ok());
  const std::string before = FingerprintTree(outage.tablets[1].data_dir);
  std::vector<std::string> args = {"recoverdata", "run", "--yes", "--offline",
                                   WriteReport(tmp, outage.tablets[1].data_dir, "t2.json"), "--offline",
                                   WriteReport(tmp, outage.tablets[2].data_dir, "t3.json")};

  Run run = RunOps(tmp, outage.Args(args));
  INFO(run.out << run.err);
  REQUIRE(run.code == 0);
  CHECK_THAT(run.out, Catch::Contains("is copied from " + outage.Folder(1, 0)) ||
                          Catch::Contains("is copied from " + outage.Folder(2, 0)));
  CHECK_THAT(run.out, Catch::Contains("verify: 1 of 1 partitions recovered"));
  CHECK(MissingOf(*outage.client, outage.acked) == 0);
  auto p = PartitionNow(*outage.client, 0);
  REQUIRE(p.has_value());
  CHECK((p->leader() == (*added)[0].endpoint || p->leader() == (*added)[1].endpoint));
  for (const v1::ReplicaInfo& r : p->replicas()) {
    CHECK(r.endpoint() != outage.tablets[1].endpoint);  // the dead tablets left the partition
    CHECK(r.endpoint() != outage.tablets[2].endpoint);
  }
  // Copied, never moved: the dead tablet's data dir is as it was (invariant 8).
  CHECK(FingerprintTree(outage.tablets[1].data_dir) == before);
}
