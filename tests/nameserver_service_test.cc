// The nameserver over gRPC, in process on a free loopback port, with fake
// tablets that register, heartbeat and record the control calls they get.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>

#include "cluster/nameserver/tablet_client.h"
#include "tests/failover_cluster.h"
#include "tests/nameserver_test_util.h"
#include "tests/test_util.h"
#include "tests/zk_server.h"

using namespace kv;
using namespace kv::test;
using namespace std::chrono_literals;

namespace {

const v1::ReplicaInfo* ReplicaOn(const v1::PartitionInfo& partition, const std::string& endpoint) {
  for (const v1::ReplicaInfo& r : partition.replicas()) {
    if (r.endpoint() == endpoint) return &r;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("create table with defaults: 8 partitions, 3 replicas, acks majority, wal_level 1, term 1") {
  Cluster cluster(4);
  v1::CreateTableResponse created = cluster.client->CreateTable("t1");
  INFO(Describe(created.error()));
  REQUIRE(created.error().code() == v1::OK);
  const v1::TableInfo& table = created.table();
  CHECK(table.name() == "t1");
  CHECK(table.tid() > 0);
  CHECK(table.state() == "kTableNormal");
  CHECK(table.partition_count() == 8);
  CHECK(table.replica_count() == 3);
  CHECK(table.acks() == v1::ACKS_MAJORITY);
  CHECK(table.wal_level() == 1);
  REQUIRE(table.partitions_size() == 8);

  std::map<std::string, int> leaders;
  for (const v1::PartitionInfo& partition : table.partitions()) {
    CHECK(partition.term() == 1);
    REQUIRE(partition.replicas_size() == 3);
    std::set<std::string> endpoints;
    for (const v1::ReplicaInfo& r : partition.replicas()) {
      endpoints.insert(r.endpoint());
      CHECK(r.is_alive());
      CHECK(r.role() == (r.endpoint() == partition.leader() ? v1::LEADER : v1::FOLLOWER));
    }
    CHECK(endpoints.size() == 3);  // no tablet holds two replicas of a partition
    ++leaders[partition.leader()];

    // Every tablet got exactly the replica the metadata places on it; the
    // leader's spec lists the followers.
    for (const v1::ReplicaInfo& r : partition.replicas()) {
      std::vector<v1::ReplicaSpec> specs;
      for (const v1::ReplicaSpec& s : cluster.tablet(r.endpoint()).created()) {
        if (s.partition().tid() == table.tid() && s.partition().pid() == partition.pid()) specs.push_back(s);
      }
      REQUIRE(specs.size() == 1);
      const v1::ReplicaSpec& spec = specs[0];
      CHECK(spec.table_name() == "t1");
      CHECK(spec.role() == r.role());
      CHECK(spec.term() == 1);
      CHECK(spec.replica_count() == 3);
      CHECK(spec.acks() == v1::ACKS_MAJORITY);
      CHECK(spec.wal_level() == 1);
      std::set<std::string> followers(spec.followers().begin(), spec.followers().end());
      std::set<std::string> expected;
      if (r.role() == v1::LEADER) {
        for (const v1::ReplicaInfo& other : partition.replicas()) {
          if (other.endpoint() != r.endpoint()) expected.insert(other.endpoint());
        }
      }
      CHECK(followers == expected);
    }
  }
  CHECK(leaders.size() == 4);  // 8 leaders over 4 tablets: 2 each
  for (const auto& [endpoint, count] : leaders) CHECK(count == 2);
}

TEST_CASE("create table: the default replica count shrinks to the healthy tablets, asking for more fails") {
  Cluster cluster(2);
  v1::CreateTableResponse defaults = cluster.client->CreateTable("small");
  INFO(Describe(defaults.error()));
  REQUIRE(defaults.error().code() == v1::OK);
  CHECK(defaults.table().replica_count() == 2);

  v1::CreateTableResponse too_many = cluster.client->CreateTable("big", 4, 3);
  CHECK(too_many.error().code() == v1::FAILED_PRECONDITION);
  CHECK(too_many.error().message().find("asked for 3 replicas but only 2 tablets are healthy") != std::string::npos);
  CHECK(cluster.client->ShowTable("big").error().code() == v1::NOT_FOUND);
  size_t calls = 0;
  for (auto& t : cluster.tablets) calls += t->created().size();
  CHECK(calls == 8 * 2);  // only the first table's replicas
}

TEST_CASE("create table: bad names and settings are refused, and names are unique") {
  Cluster cluster(1);
  for (const char* name : {"", "a/b", "x y", "t1;", "é"}) {
    INFO(name);
    v1::CreateTableResponse r = cluster.client->CreateTable(name);
    CHECK(r.error().code() == v1::INVALID_ARGUMENT);
    CHECK(r.error().message().find("A-Z, a-z, 0-9, _ and -") != std::string::npos);
  }
  v1::CreateTableRequest bad_level;
  bad_level.set_name("t");
  bad_level.set_wal_level(3);
  CHECK(cluster.client->CreateTable(bad_level).error().code() == v1::INVALID_ARGUMENT);
  CHECK(cluster.client->CreateTable("t", 1000).error().code() == v1::INVALID_ARGUMENT);

  REQUIRE(cluster.client->CreateTable("Ok_name-1", 2).error().code() == v1::OK);
  v1::CreateTableResponse again = cluster.client->CreateTable("Ok_name-1", 2);
  CHECK(again.error().code() == v1::FAILED_PRECONDITION);
  CHECK(again.error().message() == "table Ok_name-1 already exists");
}

TEST_CASE("create table: a tablet that fails CreateReplica makes the call fail, naming it, and it is rolled back") {
  Cluster cluster(3);
  const std::string failing = cluster.tablets[1]->endpoint();
  cluster.tablets[1]->FailCreateReplica(v1::INTERNAL);
  v1::CreateTableResponse r = cluster.client->CreateTable("t", 4);
  INFO(Describe(r.error()));
  CHECK(r.error().code() != v1::OK);
  CHECK(r.error().message().find("rolled back") != std::string::npos);
  CHECK(r.error().message().find(failing) != std::string::npos);
  CHECK(cluster.client->ShowTable("t").error().code() == v1::NOT_FOUND);
  // Whatever was created elsewhere was dropped again, keeping its data.
  for (auto& t : cluster.tablets) {
    std::set<uint32_t> created, dropped;
    for (const auto& spec : t->created()) created.insert(spec.partition().pid());
    for (const auto& drop : t->dropped()) {
      CHECK(drop.keep_data());
      dropped.insert(drop.partition().pid());
    }
    CHECK(created == dropped);
  }

  // The name is free again once the tablet behaves.
  cluster.tablets[1]->FailCreateReplica(v1::OK);
  CHECK(cluster.client->CreateTable("t", 4).error().code() == v1::OK);
}

TEST_CASE("drop table: every replica is dropped keeping its data, then the metadata goes") {
  Cluster cluster(3);
  v1::CreateTableResponse created = cluster.client->CreateTable("gone", 4, 2);
  REQUIRE(created.error().code() == v1::OK);
  v1::DropTableResponse dropped = cluster.client->DropTable("gone");
  INFO(Describe(dropped.error()));
  REQUIRE(dropped.error().code() == v1::OK);
  size_t drops = 0;
  for (auto& t : cluster.tablets) {
    for (const auto& d : t->dropped()) {
      CHECK(d.keep_data());
      CHECK(d.partition().tid() == created.table().tid());
      ++drops;
    }
  }
  CHECK(drops == 8);
  CHECK(cluster.client->ShowTable("gone").error().code() == v1::NOT_FOUND);
  CHECK(cluster.client->DropTable("gone").error().code() == v1::NOT_FOUND);
}

TEST_CASE("showtable and showtablet: what the metadata holds and what the tablets report") {
  Cluster cluster(3);
  v1::CreateTableResponse created = cluster.client->CreateTable("t", 2, 3);
  REQUIRE(created.error().code() == v1::OK);
  const uint32_t tid = created.table().tid();
  for (auto& t : cluster.tablets) t->SetReported(tid, 1, 42, 40);

  REQUIRE(Eventually(
      [&] {
        v1::ShowTableResponse shown = cluster.client->ShowTable("t");
        const v1::PartitionInfo& p1 = shown.tables(0).partitions(1);
        return std::all_of(p1.replicas().begin(), p1.replicas().end(),
                           [](const v1::ReplicaInfo& r) { return r.offset() == 42 && r.record_count() == 40; });
      },
      5s));
  v1::ShowTableResponse shown = cluster.client->ShowTable();
  REQUIRE(shown.error().code() == v1::OK);
  REQUIRE(shown.tables_size() == 1);
  for (const v1::ReplicaInfo& r : shown.tables(0).partitions(0).replicas()) CHECK(r.offset() == 0);

  // Every tablet healthy with a heartbeat within the offline timeout: polled
  // with a deadline, since a loaded machine may delay one heartbeat.
  v1::ShowTabletResponse tablets;
  REQUIRE(Eventually(
      [&] {
        tablets = cluster.client->ShowTablet();
        return tablets.tablets_size() == 3 &&
               std::all_of(tablets.tablets().begin(), tablets.tablets().end(), [](const v1::TabletInfo& t) {
                 return t.state() == "kTabletHealthy" && t.last_heartbeat_ms_ago() < 1500;
               });
      },
      20s));
  std::set<std::string> endpoints;
  for (const v1::TabletInfo& t : tablets.tablets()) endpoints.insert(t.endpoint());
  std::set<std::string> expected;
  for (auto& t : cluster.tablets) expected.insert(t->endpoint());
  CHECK(endpoints == expected);
}

TEST_CASE("failure detection: a silent tablet goes offline and its replicas not alive, back it is healthy") {
  Cluster cluster(3);
  // The detector alone: failover and recovery are failover_test's.
  REQUIRE(cluster.client->ConfSet("auto_failover", "false").error().code() == v1::OK);
  REQUIRE(cluster.client->CreateTable("t", 3, 3).error().code() == v1::OK);
  FakeTablet& paused = *cluster.tablets[0];
  paused.PauseHeartbeats();  // what a SIGSTOPped tablet looks like from here

  REQUIRE(Eventually([&] { return cluster.TabletState(paused.endpoint()) == "kTabletOffline"; }, 5s));
  const v1::ShowTableResponse offline = cluster.client->ShowTable("t");
  for (const v1::PartitionInfo& p : offline.tables(0).partitions()) {
    for (const v1::ReplicaInfo& r : p.replicas()) CHECK(r.is_alive() == (r.endpoint() != paused.endpoint()));
  }

  paused.ResumeHeartbeats();
  REQUIRE(Eventually([&] { return cluster.TabletState(paused.endpoint()) == "kTabletHealthy"; }, 5s));
  // Bringing the replicas back is recovery's job: they stay not alive.
  const v1::ShowTableResponse back = cluster.client->ShowTable("t");
  for (const v1::PartitionInfo& p : back.tables(0).partitions()) {
    CHECK_FALSE(ReplicaOn(p, paused.endpoint())->is_alive());
  }
}

TEST_CASE("leases: only leader replicas, at the partition's current term, and only while alive") {
  Cluster cluster(3);
  REQUIRE(cluster.client->ConfSet("auto_failover", "false").error().code() == v1::OK);  // no failover here
  v1::CreateTableResponse created = cluster.client->CreateTable("t", 6, 2);
  REQUIRE(created.error().code() == v1::OK);
  const uint32_t tid = created.table().tid();
  std::map<std::string, std::vector<std::pair<uint32_t, uint32_t>>> leads;
  for (const v1::PartitionInfo& p : created.table().partitions()) leads[p.leader()].emplace_back(tid, p.pid());

  for (auto& t : cluster.tablets) {
    INFO(t->endpoint());
    const uint64_t after = t->heartbeats() + 2;  // heartbeats answered after the table was created
    REQUIRE(Eventually([&] { return t->heartbeats() >= after; }, 5s));
    CHECK(t->leased_partitions(1) == leads[t->endpoint()]);
    CHECK(t->leased_partitions(0).empty());
    CHECK(t->leased_partitions(2).empty());
  }

  FakeTablet& leader = *cluster.tablets[0];
  REQUIRE_FALSE(leads[leader.endpoint()].empty());
  leader.PauseHeartbeats();
  REQUIRE(Eventually([&] { return cluster.TabletState(leader.endpoint()) == "kTabletOffline"; }, 5s));
  leader.ResumeHeartbeats();
  const uint64_t after = leader.heartbeats() + 2;
  REQUIRE(Eventually([&] { return leader.heartbeats() >= after; }, 5s));
  CHECK(leader.leased_partitions(1).empty());  // its replicas are not alive any more
}

TEST_CASE("heartbeat from a tablet the nameserver does not know: register again") {
  Cluster cluster(1);
  v1::HeartbeatResponse r = cluster.client->Heartbeat("127.0.0.1:1");
  CHECK(r.error().code() == v1::OK);
  CHECK(r.reregister());
  CHECK(r.leases_size() == 0);
}

TEST_CASE("confget / confset: defaults, validation, persisted") {
  Cluster cluster(1);
  v1::ConfGetResponse all = cluster.client->ConfGet();
  REQUIRE(all.error().code() == v1::OK);
  CHECK(all.values().at("auto_failover") == "true");
  CHECK(all.values().count("replica_down_timeout_ms") == 1);

  v1::ConfSetResponse unknown = cluster.client->ConfSet("auto_failovr", "false");
  CHECK(unknown.error().code() == v1::INVALID_ARGUMENT);
  CHECK(unknown.error().message().find("unknown config key 'auto_failovr'") != std::string::npos);
  v1::ConfSetResponse bad = cluster.client->ConfSet("auto_failover", "maybe");
  CHECK(bad.error().code() == v1::INVALID_ARGUMENT);
  CHECK(bad.error().message().find("true or false") != std::string::npos);
  CHECK(cluster.client->ConfGet("nope").error().code() == v1::INVALID_ARGUMENT);

  REQUIRE(cluster.client->ConfSet("auto_failover", "FALSE").error().code() == v1::OK);
  v1::ConfGetResponse one = cluster.client->ConfGet("auto_failover");
  REQUIRE(one.values_size() == 1);
  CHECK(one.values().at("auto_failover") == "false");
}

TEST_CASE("restart: a nameserver reopened on the same data dir keeps every table, tablet and setting") {
  TempDir dir;
  std::vector<v1::TableInfo> before;
  std::set<std::string> tablet_endpoints;
  std::vector<std::unique_ptr<FakeTablet>> tablets;
  {
    auto ns = StartNameServer(FastOptions(dir.path()));
    NsClient client(ns->endpoint());
    tablets = StartFakeTablets(3, {ns->endpoint()});
    REQUIRE(WaitForHealthyTablets(client, 3));
    REQUIRE(client.CreateTable("a").error().code() == v1::OK);
    REQUIRE(client.CreateTable("b", 3, 2).error().code() == v1::OK);
    REQUIRE(client.ConfSet("auto_failover", "false").error().code() == v1::OK);
    v1::ShowTableResponse shown = client.ShowTable();
    before.assign(shown.tables().begin(), shown.tables().end());
    for (auto& t : tablets) tablet_endpoints.insert(t->endpoint());
  }
  auto ns = StartNameServer(FastOptions(dir.path()));
  NsClient client(ns->endpoint());
  REQUIRE(Eventually([&] { return ns->IsActive(); }, 5s));
  v1::ShowTableResponse shown = client.ShowTable();
  REQUIRE(shown.tables_size() == static_cast<int>(before.size()));
  for (size_t i = 0; i < before.size(); ++i) {
    v1::TableInfo now = shown.tables(static_cast<int>(i));
    // Offsets come from heartbeats, not the metadata.
    for (auto* info : {&now, &before[i]}) {
      for (auto& p : *info->mutable_partitions()) {
        for (auto& r : *p.mutable_replicas()) {
          r.clear_offset();
          r.clear_record_count();
        }
      }
    }
    CHECK(now.SerializeAsString() == before[i].SerializeAsString());
  }
  std::set<std::string> known;
  const v1::ShowTabletResponse tablets_now = client.ShowTablet();
  for (const v1::TabletInfo& t : tablets_now.tablets()) known.insert(t.endpoint());
  CHECK(known == tablet_endpoints);
  CHECK(client.ConfGet("auto_failover").values().at("auto_failover") == "false");

  // Table ids move on from where they were.
  auto more = StartFakeTablets(2, {ns->endpoint()});
  REQUIRE(Eventually([&] { return client.CreateTable("c", 1, 2).error().code() == v1::OK; }, 5s));
  uint32_t max_before = 0;
  for (const v1::TableInfo& t : before) max_before = std::max(max_before, t.tid());
  CHECK(client.ShowTable("c").tables(0).tid() > max_before);
}

TEST_CASE("tablet client: calls carry the spec, and an unreachable tablet fails within the deadline") {
  auto tablet = FakeTablet::Start();
  ns::TabletClient client(500ms);
  v1::ReplicaSpec spec;
  spec.mutable_partition()->set_tid(3);
  spec.mutable_partition()->set_pid(1);
  spec.set_role(v1::LEADER);
  spec.set_term(5);
  REQUIRE(client.CreateReplica(tablet->endpoint(), spec).ok());
  Result<v1::ChangeRoleResponse> changed = client.ChangeRole(tablet->endpoint(), spec);
  INFO(changed.status().ToString());
  REQUIRE(changed.ok());
  CHECK(changed->last_term() == 0);  // the fake's log is empty until SetLog
  REQUIRE(tablet->role_changes().size() == 1);
  CHECK(tablet->role_changes()[0].term() == 5);

  REQUIRE(client.DropReplica(tablet->endpoint(), spec.partition(), true).ok());
  Status missing = client.DropReplica(tablet->endpoint(), spec.partition(), true);
  CHECK(missing.IsNotFound());
  CHECK(missing.message().find("DropReplica 3_1") != std::string::npos);

  Status unreachable = client.CreateReplica("127.0.0.1:1", spec);
  CHECK(unreachable.IsIOError());
  CHECK(unreachable.message().find("tablet 127.0.0.1:1") != std::string::npos);
}
