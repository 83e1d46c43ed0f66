// `ops recoverdata` applying plans on real processes (docs/recoverdata.md):
// a full outage (every tablet and the nameserver SIGKILLed) with only a
// minority of tablets back and the others' data dirs read offline, which
// auto_failover refuses; one recovery at a time; a stale plan refused; an
// interrupted apply resumed. Every acknowledged write reads back at the end,
// and auto_failover is on again. The playground goes down by PID when a test
// ends, whatever happened.
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

// The outage every case starts from: a 3-tablet playground with table t (4
// partitions x 3 replicas) written by a load that keeps the acknowledged
// keys, quiesced, then every tablet and the nameserver SIGKILLed; the
// nameserver and the first tablet restarted, two new tablets started (room
// for the replicas to re-create). The others' data dirs stay readable.
struct FullOutage {
  // lose_metadata: the nameserver's data dir is deleted before it restarts.
  explicit FullOutage(const TempDir& tmp, bool lose_metadata = false) : pg(StartPlayground(tmp, 3)) {
    auto client = ConnectTo(pg->get());
    CreateT(*client, 4, 3);
    {
      WriteLoad load(*client, 2);
      REQUIRE(WaitUntil(30s, [&] { return load.acked() >= 300; }));
      load.Stop();
      acked = load.acked_keys();
    }
    RequireConverged(*client, pg->get(), Alive::kAll);
    for (const ops::ServerView& v : pg->get().Display()) {
      (v.server.role == ops::kRoleTablet ? tablets : nameservers).push_back(v.server);
    }
    REQUIRE(tablets.size() == 3);
    for (const auto* group : {&tablets, &nameservers}) {
      for (const ops::ServerRecord& s : *group) REQUIRE(pg->get().Signal(s.name, SIGKILL).ok());
    }
    for (const ops::ServerRecord& s : nameservers) {
      if (lose_metadata) REQUIRE(RemoveTree(s.data_dir).ok());
      REQUIRE(pg->get().Restart(s.name, 60s).ok());
    }
    REQUIRE(pg->get().Restart(tablets[0].name, 60s).ok());
    auto added = pg->get().ScaleOut(2, 60s);
    INFO(added.status().ToString());
    REQUIRE(added.ok());
    ns = pg->get().NameserverList();
    this->client = ConnectTo(pg->get());
    offline = {"--offline", WriteReport(tmp, tablets[1].data_dir, "t2.json"), "--offline",
               WriteReport(tmp, tablets[2].data_dir, "t3.json")};
  }
  // `recoverdata` args, with the cluster, the dead tablets' reports and the bounds.
  std::vector<std::string> Args(std::vector<std::string> args) const {
    args.insert(args.end(), {"--ns", ns});
    args.insert(args.end(), offline.begin(), offline.end());
    return With(args);
  }

  std::unique_ptr<ops::ScopedPlayground> pg;
  std::unique_ptr<client::Client> client;
  std::vector<ops::ServerRecord> tablets, nameservers;
  std::vector<std::string> acked;
  std::string ns;
  std::vector<std::string> offline;  // --offline REPORT of tablets 2 and 3
};


}  // namespace

TEST_CASE("recoverdata brings back a cluster whose every process died, with a minority of tablets restarted",
          "[playground][recover]") {
  TempDir tmp;
  FullOutage outage(tmp);
  client::Client& client = *outage.client;
  // What auto_failover refuses: one replica of three answers.
  auto before = client.ShowTable("t");
  REQUIRE(before.ok());
  for (const v1::PartitionInfo& p : before->front().partitions()) {
    const bool led = std::any_of(p.replicas().begin(), p.replicas().end(),
                                 [&](const v1::ReplicaInfo& r) { return r.endpoint() == p.leader() && r.is_alive(); });
    CHECK_FALSE(led);
  }

  SECTION("run: plan, apply, verify; every acknowledged write reads back and auto_failover is on again") {
    Run run = RunOps(tmp, outage.Args({"recoverdata", "run", "--yes"}));
    INFO(run.out << run.err);
    REQUIRE(run.code == 0);
    CHECK_THAT(run.out, Catch::Contains("verify: 4 of 4 partitions recovered"));
    CHECK(MissingOf(client, outage.acked) == 0);
    CHECK(WaitUntil(20s, [&] { return AutoFailover(client) == "true"; }));
    auto recovery = client.ShowRecovery();
    REQUIRE(recovery.ok());
    CHECK_FALSE(recovery->has_current());
    // verify alone agrees, and the same plan applied again is a resumed no-op.
    Run verify = RunOps(tmp, {"recoverdata", "verify", "--ns", outage.ns, "--settle-s", "0"});
    INFO(verify.out << verify.err);
    CHECK(verify.code == 0);
  }

  SECTION("plan to a file, apply it twice: the second run follows the first one's ops") {
    Run plan = RunOps(tmp, outage.Args({"recoverdata", "plan", "-o", tmp / "plan.json"}));
    INFO(plan.out << plan.err);
    REQUIRE(plan.code == 0);
    // Nothing is applied without a yes (stdin is empty: refused, not hung).
    Run unasked = RunOps(tmp, outage.Args({"recoverdata", "apply", "--plan", tmp / "plan.json"}));
    CHECK(unasked.code != 0);
    auto untouched = client.ShowRecovery();
    REQUIRE(untouched.ok());
    CHECK_FALSE(untouched->has_current());
    Run apply = RunOps(tmp, outage.Args({"recoverdata", "apply", "--yes", "--plan", tmp / "plan.json", "--json"}));
    INFO(apply.out << apply.err);
    REQUIRE(apply.code == 0);
    const auto first = nlohmann::json::parse(Lines(apply.out).back());
    CHECK(first["apply"]["resumed"] == false);
    CHECK(first["apply"]["done"] == 4);
    Run again = RunOps(tmp, outage.Args({"recoverdata", "apply", "--yes", "--plan", tmp / "plan.json", "--json"}));
    INFO(again.out << again.err);
    REQUIRE(again.code == 0);
    const auto second = nlohmann::json::parse(Lines(again.out).back());
    CHECK(second["apply"]["resumed"] == true);
    CHECK(second["apply"]["op_ids"] == first["apply"]["op_ids"]);
    Run verify = RunOps(tmp, {"recoverdata", "verify", "--ns", outage.ns, "--json"});
    INFO(verify.out << verify.err);
    CHECK(verify.code == 0);
    CHECK(MissingOf(client, outage.acked) == 0);
  }

  SECTION("a stale plan is refused, naming what changed; nothing is applied") {
    Run plan = RunOps(tmp, outage.Args({"recoverdata", "plan", "-o", tmp / "plan.json"}));
    REQUIRE(plan.code == 0);
    // Without the second report the collection differs from the plan's.
    Run apply = RunOps(tmp, With({"recoverdata", "apply", "--yes", "--plan", tmp / "plan.json", "--ns", outage.ns,
                                  outage.offline[0], outage.offline[1]}));
    INFO(apply.out << apply.err);
    CHECK(apply.code == 1);
    CHECK(apply.OneLineError());
    CHECK_THAT(apply.err, Catch::Contains("stale") && Catch::Contains(outage.tablets[2].endpoint));
    auto recovery = client.ShowRecovery();
    REQUIRE(recovery.ok());
    CHECK_FALSE(recovery->has_current());
  }
}

// (One recovery at a time is tested where an op can be held midway for sure:
// recover_data_op_test.cc, with fake tablets.)
TEST_CASE("recoverdata: a nameserver killed during an apply resumes the ops, the apply run again finishes and "
          "auto_failover is back",
          "[playground][recover]") {
  TempDir tmp;
  FullOutage outage(tmp);
  client::Client& client = *outage.client;
  Run plan = RunOps(tmp, outage.Args({"recoverdata", "plan", "-o", tmp / "plan.json"}));
  INFO(plan.out << plan.err);
  REQUIRE(plan.code == 0);
  // Submitted, not followed: --wait-s 1 leaves the ops running in the nameserver.
  Run started = RunOps(tmp, {"recoverdata", "apply", "--yes", "--plan", tmp / "plan.json", "--ns", outage.ns,
                             outage.offline[0], outage.offline[1], outage.offline[2], outage.offline[3], "--wait-s", "1"});
  INFO(started.out << started.err);
  // The nameserver killed and started again: its ops resume from the metadata.
  REQUIRE(outage.pg->get().Signal(outage.nameservers[0].name, SIGKILL).ok());
  REQUIRE(outage.pg->get().Restart(outage.nameservers[0].name, 60s).ok());
  Run resumed = RunOps(tmp, outage.Args({"recoverdata", "apply", "--yes", "--plan", tmp / "plan.json"}));
  INFO(resumed.out << resumed.err);
  CHECK(resumed.code == 0);
  CHECK_THAT(resumed.out, Catch::Contains("(resumed)"));
  Run verify = RunOps(tmp, {"recoverdata", "verify", "--ns", outage.ns});
  INFO(verify.out << verify.err);
  CHECK(verify.code == 0);
  CHECK(MissingOf(client, outage.acked) == 0);
  CHECK(WaitUntil(20s, [&] { return AutoFailover(client) == "true"; }));
}

TEST_CASE("recoverdata: the nameserver's data dir lost as well, the tables come back from the tablets",
          "[playground][recover]") {
  TempDir tmp;
  FullOutage outage(tmp, /*lose_metadata=*/true);
  client::Client& client = *outage.client;
  auto before = client.ShowTable();
  REQUIRE(before.ok());
  CHECK(before->empty());  // the fresh nameserver knows no table
  Run run = RunOps(tmp, outage.Args({"recoverdata", "run", "--yes"}));
  INFO(run.out << run.err);
  REQUIRE(run.code == 0);
  CHECK_THAT(run.out, Catch::Contains("restored: table t"));
  auto after = client.ShowTable("t");
  REQUIRE(after.ok());
  CHECK(after->front().partition_count() == 4);
  CHECK(after->front().replica_count() == 3);
  CHECK(MissingOf(client, outage.acked) == 0);
  // The tid counter moved past the restored table: a new table gets another tid.
  v1::CreateTableRequest create;
  create.set_name("u");
  create.set_partitions(1);
  create.set_replicas(1);
  auto created = client.CreateTable(create);
  REQUIRE(created.ok());
  CHECK(created->tid() != after->front().tid());
}
