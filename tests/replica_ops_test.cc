// Re-replication after replica_down_timeout_ms, leftovers of a tablet that
// comes back, setreplicas and the balancer (issue 5), in process over gRPC
// with fake tablets (failover_cluster.h). A fake leader reports every
// follower caught up unless told otherwise, so kWaitCatchUp passes at once.
#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>

#include "tests/failover_cluster.h"

using namespace kv;
using namespace kv::test;
using namespace std::chrono_literals;

namespace {

bool Holds(const v1::PartitionInfo& p, const std::string& endpoint) {
  return std::any_of(p.replicas().begin(), p.replicas().end(), [&](auto& r) { return r.endpoint() == endpoint; });
}

bool AllAlive(const v1::PartitionInfo& p) {
  return std::all_of(p.replicas().begin(), p.replicas().end(), [](auto& r) { return r.is_alive(); });
}

// Waits for every op of table to be final; REQUIREs each kDone.
void WaitAllDone(Cluster& cluster, const std::string& table = "") {
  REQUIRE(Eventually(
      [&] {
        for (const v1::OpInfo& op : cluster.Ops(table)) {
          if (op.current_task() != "-") return false;
        }
        return true;
      },
      20s));
  for (const v1::OpInfo& op : cluster.Ops(table)) {
    INFO(op.type() << " " << op.id() << ": " << op.error());
    CHECK(op.status() == "kDone");
  }
}

// Replicas and leaders per healthy tablet: over every table together, and
// leaders per table (balance_plan.h evens leaders out per table only).
struct Load {
  std::map<std::string, int> replicas, leaders;
  std::map<std::string, std::map<std::string, int>> table_leaders;
};
Load LoadOf(Cluster& cluster) {
  Load load;
  const v1::ShowTableResponse shown = cluster.client->ShowTable();
  for (const v1::TableInfo& table : shown.tables()) {
    for (const auto& t : cluster.tablets) {
      load.replicas[t->endpoint()] += 0;
      load.leaders[t->endpoint()] += 0;
      load.table_leaders[table.name()][t->endpoint()] = 0;
    }
    for (const v1::PartitionInfo& p : table.partitions()) {
      ++load.leaders[p.leader()];
      ++load.table_leaders[table.name()][p.leader()];
      for (const v1::ReplicaInfo& r : p.replicas()) ++load.replicas[r.endpoint()];
    }
  }
  return load;
}
int Spread(const std::map<std::string, int>& counts) {
  auto [lo, hi] = std::minmax_element(counts.begin(), counts.end(), [](auto& a, auto& b) { return a.second < b.second; });
  return hi->second - lo->second;
}

}  // namespace

TEST_CASE("re-replication: a tablet down past replica_down_timeout_ms is replaced on a free tablet, and its "
          "leftover is dropped with keep_data when it comes back") {
  Cluster cluster(4);
  const uint32_t tid = cluster.CreateTable("t");
  REQUIRE(cluster.client->ConfSet("replica_down_timeout_ms", "1000").error().code() == v1::OK);
  const v1::PartitionInfo before = cluster.Partition("t");
  FakeTablet& dead = cluster.tablet(Followers(before)[0]);
  std::string spare;
  for (const auto& t : cluster.tablets) {
    if (!Holds(before, t->endpoint())) spare = t->endpoint();
  }
  REQUIRE_FALSE(spare.empty());

  cluster.Stop(dead);
  const v1::OpInfo op = cluster.WaitFinalOp("kReAddReplicaOP", "t");
  INFO(op.error());
  REQUIRE(op.status() == "kDone");
  const nlohmann::json params = nlohmann::json::parse(op.params_json());
  CHECK(params.at("dead") == dead.endpoint());
  CHECK(params.at("endpoint") == spare);
  // The new replica: created as a follower at the current term, named in the
  // leader's followers, recorded alive; the dead one is gone from the metadata.
  const v1::PartitionInfo after = cluster.Partition("t");
  CHECK(after.replicas_size() == 3);
  CHECK_FALSE(Holds(after, dead.endpoint()));
  CHECK(Holds(after, spare));
  CHECK(AllAlive(after));
  CHECK(after.leader() == before.leader());
  const std::vector<v1::ReplicaSpec> created = cluster.tablet(spare).created();
  REQUIRE(created.size() == 1);
  CHECK(created[0].role() == v1::FOLLOWER);
  CHECK(created[0].term() == after.term());
  const std::vector<v1::ReplicaSpec> told = cluster.tablet(after.leader()).role_changes();
  REQUIRE_FALSE(told.empty());
  const auto& followers = told.back().followers();
  CHECK(std::find(followers.begin(), followers.end(), spare) != followers.end());
  CHECK(std::find(followers.begin(), followers.end(), dead.endpoint()) == followers.end());

  // Back: its replica belongs to no partition any more: dropped, keep_data.
  cluster.Cont(dead);
  const v1::OpInfo dropped = cluster.WaitFinalOp("kDelReplicaOP", "t");
  CHECK(dropped.status() == "kDone");
  REQUIRE(dead.dropped().size() == 1);
  CHECK(dead.dropped()[0].keep_data());
  CHECK(dead.dropped()[0].partition().tid() == tid);
  CHECK_FALSE(Holds(cluster.Partition("t"), dead.endpoint()));
}

TEST_CASE("re-replication: none while auto_failover is off or before the timeout") {
  Cluster cluster(4);
  cluster.CreateTable("t");
  FakeTablet& dead = cluster.tablet(Followers(cluster.Partition("t"))[0]);
  SECTION("auto_failover false") {
    REQUIRE(cluster.client->ConfSet("replica_down_timeout_ms", "1000").error().code() == v1::OK);
    REQUIRE(cluster.client->ConfSet("auto_failover", "false").error().code() == v1::OK);
  }
  SECTION("default timeout (30 min)") {}
  cluster.Stop(dead);
  REQUIRE(Eventually([&] { return cluster.TabletState(dead.endpoint()) == "kTabletOffline"; }, 5s));
  FakeTablet& witness = cluster.tablet(cluster.Partition("t").leader());
  const uint64_t later = witness.heartbeats() + 40;  // 2 s past offline: past the 1 s timeout
  REQUIRE(Eventually([&] { return witness.heartbeats() >= later; }, 10s));
  for (const v1::OpInfo& op : cluster.Ops("t")) CHECK(op.type() != "kReAddReplicaOP");
  CHECK(Holds(cluster.Partition("t"), dead.endpoint()));
  cluster.Cont(dead);
}

TEST_CASE("setreplicas: up to 5 on the least loaded tablets, down to 2 keeping the leader, and refusals") {
  Cluster cluster(5);
  v1::CreateTableResponse created = cluster.client->CreateTable("t", 2, 3);
  REQUIRE(created.error().code() == v1::OK);

  CHECK(cluster.client->SetReplicas("t", 6).error().code() == v1::FAILED_PRECONDITION);
  CHECK(cluster.client->SetReplicas("t", 0).error().code() == v1::INVALID_ARGUMENT);
  CHECK(cluster.client->SetReplicas("nope", 3).error().code() == v1::NOT_FOUND);

  const v1::SubmitOpsResponse up = cluster.client->SetReplicas("t", 5);
  REQUIRE(up.error().code() == v1::OK);
  CHECK(up.op_ids_size() == 2);
  WaitAllDone(cluster, "t");
  v1::ShowTableResponse shown = cluster.client->ShowTable("t");
  CHECK(shown.tables(0).replica_count() == 5);
  for (const v1::PartitionInfo& p : shown.tables(0).partitions()) {
    CHECK(p.replicas_size() == 5);
    CHECK(AllAlive(p));
  }
  CHECK(cluster.client->SetReplicas("t", 5).op_ids_size() == 0);  // nothing to do

  const std::string leader0 = cluster.Partition("t", 0).leader();
  const v1::SubmitOpsResponse down = cluster.client->SetReplicas("t", 2);
  REQUIRE(down.error().code() == v1::OK);
  WaitAllDone(cluster, "t");
  shown = cluster.client->ShowTable("t");
  CHECK(shown.tables(0).replica_count() == 2);
  size_t drops = 0;
  for (const auto& t : cluster.tablets) {
    for (const v1::DropReplicaRequest& d : t->dropped()) {
      CHECK(d.keep_data());
      ++drops;
    }
  }
  CHECK(drops == 6);
  for (const v1::PartitionInfo& p : shown.tables(0).partitions()) CHECK(p.replicas_size() == 2);
  CHECK(cluster.Partition("t", 0).leader() == leader0);
}

TEST_CASE("setreplicas: refused when going down would leave a partition without a majority of alive replicas") {
  Cluster cluster(4);
  cluster.CreateTable("t");
  const v1::PartitionInfo p = cluster.Partition("t");
  for (const std::string& f : Followers(p)) cluster.Stop(cluster.tablet(f));
  REQUIRE(Eventually([&] { return !AliveOn(cluster.Partition("t"), Followers(p)[1]); }, 5s));
  const v1::SubmitOpsResponse refused = cluster.client->SetReplicas("t", 2);
  CHECK(refused.error().code() == v1::FAILED_PRECONDITION);
  CHECK(refused.error().message().find("without a majority") != std::string::npos);
  CHECK(cluster.client->ShowTable("t").tables(0).replica_count() == 3);
  for (const std::string& f : Followers(p)) cluster.Cont(cluster.tablet(f));
}

TEST_CASE("balance: after a scale-out from 3 to 5 tablets, rounds of moves until replicas and leaders per tablet "
          "are within one") {
  Cluster cluster(3);
  REQUIRE(cluster.client->ConfSet("auto_balance", "false").error().code() == v1::OK);
  REQUIRE(cluster.client->CreateTable("a", 6, 3).error().code() == v1::OK);
  REQUIRE(cluster.client->CreateTable("b", 4, 2).error().code() == v1::OK);
  for (auto& t : StartFakeTablets(2, {cluster.ns->endpoint()})) cluster.tablets.push_back(std::move(t));
  REQUIRE(WaitForHealthyTablets(*cluster.client, 5));

  int rounds = 0;
  for (; rounds < 30; ++rounds) {
    const v1::SubmitOpsResponse round = cluster.client->Balance();
    REQUIRE(round.error().code() == v1::OK);
    CHECK(round.refused_size() == 0);
    CHECK(round.moves_size() == round.op_ids_size());
    if (round.op_ids_size() == 0) break;
    WaitAllDone(cluster);
  }
  CHECK(rounds > 0);
  CHECK(rounds < 30);
  const Load load = LoadOf(cluster);
  CHECK(Spread(load.replicas) <= 1);
  for (const auto& [table, leaders] : load.table_leaders) {
    INFO("table " << table);
    CHECK(Spread(leaders) <= 1);
  }
  bool migrated = false;
  for (const v1::OpInfo& op : cluster.Ops()) migrated |= op.type() == "kMigrateOP";
  CHECK(migrated);
  const v1::ShowTableResponse shown = cluster.client->ShowTable();
  for (const v1::TableInfo& table : shown.tables()) {
    for (const v1::PartitionInfo& p : table.partitions()) {
      CHECK(p.replicas_size() == static_cast<int>(table.replica_count()));
      CHECK(AllAlive(p));
    }
  }
}

TEST_CASE("auto_balance: a newly registered tablet gets its share without a command") {
  Cluster cluster(3);
  REQUIRE(cluster.client->CreateTable("a", 8, 3).error().code() == v1::OK);
  for (auto& t : StartFakeTablets(1, {cluster.ns->endpoint()})) cluster.tablets.push_back(std::move(t));
  REQUIRE(Eventually(
      [&] {
        const Load load = LoadOf(cluster);
        return Spread(load.replicas) <= 1 && Spread(load.leaders) <= 1;
      },
      30s));
  WaitAllDone(cluster);
}

TEST_CASE("restart in the middle of an add: the new nameserver resumes it on the target already chosen "
          "(invariant 9)") {
  Cluster cluster(4);
  const uint32_t tid = cluster.CreateTable("t");
  const v1::PartitionInfo before = cluster.Partition("t");
  FakeTablet& leader = cluster.tablet(before.leader());
  leader.BlockControl(true);  // kAddFollower hangs on the leader
  const v1::SubmitOpsResponse submitted = cluster.client->SetReplicas("t", 4);
  REQUIRE(submitted.error().code() == v1::OK);
  const uint64_t id = submitted.op_ids(0);
  REQUIRE(Eventually([&] { return cluster.Ops("t").back().current_task() == "kAddFollower"; }, 5s));

  cluster.RestartNameServer([&] { leader.BlockControl(false); });
  const v1::OpInfo done = cluster.WaitOp(id);
  INFO(done.error());
  CHECK(done.status() == "kDone");
  CHECK(done.tasks(0).attempts() == 1);  // kSelectTarget decided once: its choice was persisted
  CHECK(done.tasks(1).attempts() == 1);  // kCreateReplica
  CHECK(done.tasks(2).attempts() >= 2);  // kAddFollower ran again
  const std::string target = nlohmann::json::parse(done.params_json()).at("endpoint");
  const v1::PartitionInfo after = cluster.Partition("t");
  CHECK(after.replicas_size() == 4);
  CHECK(AllAlive(after));
  CHECK(Holds(after, target));
  CHECK(cluster.tablet(target).held(tid, 0).role() == v1::FOLLOWER);
}
