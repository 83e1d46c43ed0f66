// Replication between in-process tablets: a leader and two followers.
#include <catch2/catch.hpp>

#include "storage/layout.h"
#include "tests/storage_test_util.h"
#include "tests/tablet_test_util.h"
#include "tests/wal_test_util.h"

namespace kv::test {
namespace {

constexpr uint32_t kTid = 1, kPid = 0;

void RequirePut(TestTablet& t, const std::string& key, const std::string& value) {
  const v1::WriteResponse w = Put(t, kTid, kPid, key, value);
  INFO(w.error().message());
  REQUIRE(w.error().code() == v1::OK);
}

void PutMany(TestTablet& t, int first, int count) {
  for (int i = first; i < first + count; ++i) RequirePut(t, TestKey(i), TestValue(i));
}

}  // namespace

TEST_CASE("a leader replicates to two followers: all three end with the same log and content (invariants 1, 2)",
          "[tablet]") {
  ThreeTablets c;
  c.CreatePartition(kTid, kPid, 1);
  PutMany(*c.tablets[0], 0, 50);
  v1::WriteRequest batch;  // several ops: one atomic batch record
  batch.mutable_partition()->set_tid(kTid);
  for (int i = 0; i < 10; ++i) {
    v1::WriteOp* op = batch.add_ops();
    op->set_type(i % 2 == 0 ? v1::DELETE : v1::PUT);
    op->set_key(TestKey(i));
    op->set_value("batched");
  }
  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  v1::WriteResponse w;
  REQUIRE(c.tablets[0]->stub().Write(&ctx, batch, &w).ok());
  REQUIRE(w.error().code() == v1::OK);
  REQUIRE(w.offset() == 52);  // the term's noop, 50 puts, the batch

  c.RequireInSync(kTid, kPid);
  const v1::ReplicaStatus leader = Status(*c.tablets[0], kTid, kPid);
  CHECK(leader.role() == v1::LEADER);
  CHECK(leader.record_count() == 45);
  REQUIRE(leader.followers_size() == 2);
  for (const v1::FollowerProgress& f : leader.followers()) {
    CHECK(f.match_offset() == 52);
    CHECK(f.connected());
  }
  CHECK(Status(*c.tablets[1], kTid, kPid).role() == v1::FOLLOWER);
}

TEST_CASE("acks majority holds with one follower down and fails with NOT_ENOUGH_REPLICAS with both (invariant 5)",
          "[tablet]") {
  ThreeTablets c;
  c.CreatePartition(kTid, kPid, 1);
  RequirePut(*c.tablets[0], "a", "1");
  c.tablets[2]->Stop();
  RequirePut(*c.tablets[0], "b", "2");
  c.tablets[1]->Stop();
  const v1::WriteResponse w = Put(*c.tablets[0], kTid, kPid, "c", "3");
  INFO(w.error().message());
  REQUIRE(w.error().code() == v1::NOT_ENOUGH_REPLICAS);
  CHECK_THAT(w.error().message(), Catch::Contains("is in the leader's log"));
  // Not acknowledged, but logged (invariant 1): the leader's log has it.
  CHECK(Status(*c.tablets[0], kTid, kPid).last_offset() == w.offset());
}

TEST_CASE("acks leader: a write succeeds with both followers down", "[tablet]") {
  ThreeTablets c;
  c.CreatePartition(kTid, kPid, 1, v1::ACKS_LEADER);
  c.tablets[1]->Stop();
  c.tablets[2]->Stop();
  RequirePut(*c.tablets[0], "a", "1");
  CHECK(Get(*c.tablets[0], kTid, kPid, "a").value() == "1");
}

TEST_CASE("a restarted follower catches up, from the WAL once the tail buffer dropped its records", "[tablet]") {
  ThreeTablets c([](tablet::TabletServerOptions* o) { o->tablet.partition.tail_records = 8; });
  c.CreatePartition(kTid, kPid, 1);
  PutMany(*c.tablets[0], 0, 5);
  c.RequireInSync(kTid, kPid);
  c.tablets[2]->Stop();
  PutMany(*c.tablets[0], 5, 100);
  c.tablets[2]->Start();
  c.RequireInSync(kTid, kPid);
  CHECK(Status(*c.tablets[2], kTid, kPid).record_count() == 105);
}

TEST_CASE("a follower's divergent suffix is cut into its quarantine and it ends equal to the new leader (invariant 2)",
          "[tablet]") {
  ThreeTablets c;
  c.CreatePartition(kTid, kPid, 1);
  PutMany(*c.tablets[0], 0, 10);
  c.RequireInSync(kTid, kPid);  // everyone holds offsets 1..11 (the noop and 10 puts) at term 1

  // Tablet 2 gets five more records of term 1 that no one else has, as if
  // from a leader of term 1 that died before replicating them elsewhere.
  c.tablets[2]->Stop();
  {
    storage::ReplicaOptions o;
    o.table = "t1";
    o.tid = kTid;
    o.pid = kPid;
    o.wal_level = 1;
    o.quarantine_root = storage::QuarantineRoot(c.tablets[2]->data_dir());
    storage::StorageEnv env(SmallEnvOptions());
    auto replica = storage::Replica::Open(storage::ReplicaDir(c.tablets[2]->data_dir(), kTid, kPid), o, env);
    REQUIRE(replica.ok());
    std::vector<wal::Record> stray = ReplicatedPuts(12, 5, 1);
    REQUIRE((*replica)->AppendReplicated({1, 11}, stray).ok());
    REQUIRE((*replica)->LastLogged().offset == 16);
  }

  // Tablet 1 leads term 2; the old leader follows.
  REQUIRE(ChangeRole(*c.tablets[0], Spec(kTid, kPid, v1::FOLLOWER, 2)).error().code() == v1::OK);
  const v1::ChangeRoleResponse led =
      ChangeRole(*c.tablets[1], Spec(kTid, kPid, v1::LEADER, 2, {c.tablets[0]->endpoint(), c.tablets[2]->endpoint()}));
  INFO(led.error().message());
  REQUIRE(led.error().code() == v1::OK);
  REQUIRE(led.last_offset() == 12);  // its noop of term 2
  c.tablets[1]->GrantLeases({{{kTid, kPid}, 2}});
  c.tablets[2]->Start();
  PutMany(*c.tablets[1], 100, 3);

  c.RequireInSync(kTid, kPid, /*leader=*/1);
  const v1::ReplicaStatus healed = Status(*c.tablets[2], kTid, kPid);
  CHECK(healed.last_offset() == 15);
  CHECK(healed.last_term() == 2);
  CHECK(!Get(*c.tablets[1], kTid, kPid, TestKey(12)).found());
  // The cut records were saved, not dropped.
  const auto cut = QuarantineFolders(storage::QuarantineRoot(c.tablets[2]->data_dir()), "truncate-after-11");
  REQUIRE(cut.size() == 1);
  const Collected saved = ReadAll(cut[0]);
  CHECK(saved.offsets == std::vector<uint64_t>{12, 13, 14, 15, 16});
  CHECK(saved.summary.last_term == 1);
}

TEST_CASE("reads and writes on a follower answer NOT_LEADER with the leader as hint", "[tablet]") {
  ThreeTablets c;
  c.CreatePartition(kTid, kPid, 1);
  RequirePut(*c.tablets[0], "a", "1");
  c.RequireInSync(kTid, kPid);  // both followers have heard from the leader
  TestTablet& follower = *c.tablets[1];
  const v1::GetResponse g = Get(follower, kTid, kPid, "a");
  CHECK(g.error().code() == v1::NOT_LEADER);
  CHECK(g.error().leader_hint() == c.tablets[0]->endpoint());
  const v1::WriteResponse w = Put(follower, kTid, kPid, "b", "2");
  CHECK(w.error().code() == v1::NOT_LEADER);
  CHECK(w.error().leader_hint() == c.tablets[0]->endpoint());

  v1::CountRequest count;
  count.mutable_partition()->set_tid(kTid);
  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  v1::CountResponse counted;
  REQUIRE(follower.stub().Count(&ctx, count, &counted).ok());
  CHECK(counted.error().code() == v1::NOT_LEADER);
}

}  // namespace kv::test
