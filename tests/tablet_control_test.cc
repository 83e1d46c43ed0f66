// The nameserver's calls on one tablet: CreateReplica, DropReplica, GetStatus;
// and the data calls' edges (scan limits, batches, unknown partitions).
#include <catch2/catch.hpp>

#include "storage/layout.h"
#include "common/file.h"
#include "tests/storage_test_util.h"
#include "tests/tablet_test_util.h"
#include "tests/wal_test_util.h"

namespace kv::test {
namespace {

constexpr uint32_t kTid = 3, kPid = 0;

// One tablet leading its own partition (replica count 1), with a lease.
struct LoneLeader {
  LoneLeader() : tablet(clock) {
    REQUIRE(CreateReplica(tablet, Spec(kTid, kPid, v1::LEADER, 1, {}, v1::ACKS_MAJORITY, 1)).code() == v1::OK);
    tablet.GrantLeases({{{kTid, kPid}, 1}});
  }
  FakeClock clock;
  TestTablet tablet;
};

v1::Error Drop(TestTablet& t, bool keep_data) {
  v1::DropReplicaRequest req;
  req.mutable_partition()->set_tid(kTid);
  req.mutable_partition()->set_pid(kPid);
  req.set_keep_data(keep_data);
  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  v1::DropReplicaResponse resp;
  REQUIRE(t.stub().DropReplica(&ctx, req, &resp).ok());
  return resp.error();
}

v1::ScanResponse ScanFrom(TestTablet& t, const std::string& from, uint32_t limit) {
  v1::ScanRequest req;
  req.mutable_partition()->set_tid(kTid);
  req.set_from_key(from);
  req.set_limit(limit);
  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  v1::ScanResponse resp;
  REQUIRE(t.stub().Scan(&ctx, req, &resp).ok());
  REQUIRE(resp.error().code() == v1::OK);
  return resp;
}

}  // namespace

TEST_CASE("CreateReplica is idempotent, a conflicting spec is ALREADY_EXISTS and a bad one INVALID_ARGUMENT",
          "[tablet]") {
  LoneLeader l;
  const v1::ReplicaSpec spec = Spec(kTid, kPid, v1::LEADER, 1, {}, v1::ACKS_MAJORITY, 1);
  CHECK(CreateReplica(l.tablet, spec).code() == v1::OK);
  CHECK(Status(l.tablet, kTid, kPid).last_offset() == 1);  // one noop: the second call started no new term

  v1::ReplicaSpec other_level = spec;
  other_level.set_wal_level(2);
  CHECK(CreateReplica(l.tablet, other_level).code() == v1::ALREADY_EXISTS);
  v1::ReplicaSpec other_table = spec;
  other_table.set_table_name("another");
  const v1::Error e = CreateReplica(l.tablet, other_table);
  CHECK(e.code() == v1::ALREADY_EXISTS);
  CHECK_THAT(e.message(), Catch::Contains("another"));

  CHECK(CreateReplica(l.tablet, Spec(kTid, 9, v1::LEADER, 0)).code() == v1::INVALID_ARGUMENT);
  v1::ReplicaSpec no_table = Spec(kTid, 9, v1::FOLLOWER, 1);
  no_table.clear_table_name();
  CHECK(CreateReplica(l.tablet, no_table).code() == v1::INVALID_ARGUMENT);
}

TEST_CASE("DropReplica moves the replica folder into quarantine, or deletes it", "[tablet]") {
  LoneLeader l;
  REQUIRE(Put(l.tablet, kTid, kPid, "a", "1").error().code() == v1::OK);
  const std::string dir = storage::ReplicaDir(l.tablet.data_dir(), kTid, kPid);

  REQUIRE(Drop(l.tablet, /*keep_data=*/true).code() == v1::OK);
  CHECK_FALSE(PathExists(dir));
  const auto kept = QuarantineFolders(storage::QuarantineRoot(l.tablet.data_dir()), "dropped-replica-3_0");
  REQUIRE(kept.size() == 1);
  CHECK(PathExists(kept[0] + "/3_0/replica.json"));
  CHECK(PathExists(kept[0] + "/manifest.json"));
  CHECK(Put(l.tablet, kTid, kPid, "b", "2").error().code() == v1::NOT_FOUND);
  CHECK(Drop(l.tablet, true).code() == v1::NOT_FOUND);

  // A new replica in its place starts empty.
  REQUIRE(CreateReplica(l.tablet, Spec(kTid, kPid, v1::LEADER, 1, {}, v1::ACKS_MAJORITY, 1)).code() == v1::OK);
  CHECK(Status(l.tablet, kTid, kPid).record_count() == 0);
  REQUIRE(Drop(l.tablet, /*keep_data=*/false).code() == v1::OK);
  CHECK_FALSE(PathExists(dir));
}

TEST_CASE("a restarted tablet reopens its replicas with their settings and logs", "[tablet]") {
  LoneLeader l;
  for (int i = 0; i < 20; ++i) REQUIRE(Put(l.tablet, kTid, kPid, TestKey(i), TestValue(i)).error().code() == v1::OK);
  const v1::ReplicaStatus before = Status(l.tablet, kTid, kPid, true);
  l.tablet.Stop();
  l.tablet.Start();
  const v1::ReplicaStatus after = Status(l.tablet, kTid, kPid, true);
  CHECK(after.last_offset() == before.last_offset());
  CHECK(after.content_checksum() == before.content_checksum());
  CHECK(after.table_name() == "t3");
}

TEST_CASE("Scan pages with limit and more, a batch is one record, unknown partitions are NOT_FOUND", "[tablet]") {
  LoneLeader l;
  v1::WriteRequest batch;
  batch.mutable_partition()->set_tid(kTid);
  for (int i = 0; i < 5; ++i) {
    v1::WriteOp* op = batch.add_ops();
    op->set_type(v1::PUT);
    op->set_key("k" + std::to_string(i));
    op->set_value("v" + std::to_string(i));
  }
  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  v1::WriteResponse w;
  REQUIRE(l.tablet.stub().Write(&ctx, batch, &w).ok());
  REQUIRE(w.error().code() == v1::OK);
  CHECK(w.offset() == 2);

  v1::ScanResponse page = ScanFrom(l.tablet, "", 3);
  REQUIRE(page.entries_size() == 3);
  CHECK(page.more());
  page = ScanFrom(l.tablet, page.entries(2).key() + std::string(1, '\0'), 3);
  REQUIRE(page.entries_size() == 2);
  CHECK_FALSE(page.more());
  CHECK(page.entries(1).key() == "k4");

  CHECK(Put(l.tablet, kTid, 7, "a", "1").error().code() == v1::NOT_FOUND);
  CHECK(Get(l.tablet, 99, 0, "a").error().code() == v1::NOT_FOUND);
  v1::WriteRequest empty;
  empty.mutable_partition()->set_tid(kTid);
  grpc::ClientContext ctx2;
  SetDeadline(&ctx2);
  REQUIRE(l.tablet.stub().Write(&ctx2, empty, &w).ok());
  CHECK(w.error().code() == v1::INVALID_ARGUMENT);
}

}  // namespace kv::test
