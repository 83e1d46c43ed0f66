// TruncateAfter on a divergent follower whose DB had applied past the cut
// (invariant 2): the data becomes the prefix, and nothing is lost.
#include <catch2/catch.hpp>

#include "tests/storage_test_util.h"
#include "tests/wal_test_util.h"

using namespace kv;
using storage::LogPosition;

TEST_CASE("TruncateAfter with the DB ahead of the cut leaves exactly the prefix (invariant 2)", "[storage]") {
  test::ReplicaHarness h;
  auto r = h.OpenLeader(1);
  test::WriteTestPuts(*r, 1, 20, 4);
  REQUIRE(r->CreateSnapshot().ok());  // at 20
  REQUIRE(r->SetTerm(2).ok());
  test::WriteTestPuts(*r, 2, 20, 4);  // 21..40 at term 2
  const test::Content prefix30 = test::ContentFromWal(h.dir + "/wal", 30);

  auto cut = r->TruncateAfter(30);
  INFO(cut.status().ToString());
  REQUIRE(cut.ok());
  CHECK(r->LastLogged() == LogPosition{2, 30});
  CHECK(r->Applied() == LogPosition{2, 30});
  CHECK(test::ReadContent(*r) == prefix30);
  CHECK(cut->wal.records_cut == 10);
  CHECK(test::ReadAll(cut->wal.quarantine_dir).offsets.size() == 10);  // offsets 31..40, kept
  REQUIRE(cut->rebuild.has_value());
  CHECK(cut->rebuild->plan.start == LogPosition{1, 20});  // from the snapshot, replaying 21..30
  CHECK(cut->rebuild->records_replayed == 10);
  CHECK(PathExists(cut->rebuild->quarantine_dir + "/CURRENT"));  // the old DB
  CHECK(cut->moved_snapshots.empty());

  // Cutting below the snapshot moves the snapshot out too: it holds records past the cut.
  const test::Content prefix15 = test::ContentFromWal(h.dir + "/wal", 15);
  auto deeper = r->TruncateAfter(15);
  REQUIRE(deeper.ok());
  CHECK(deeper->moved_snapshots.size() == 1);
  CHECK(r->ListSnapshots()->empty());
  REQUIRE(deeper->rebuild.has_value());
  CHECK_FALSE(deeper->rebuild->plan.snapshot.has_value());  // from an empty DB: the WAL starts at 1
  CHECK(test::ReadContent(*r) == prefix15);
  CHECK(r->Applied() == LogPosition{1, 15});

  test::WriteTestPuts(*r, 2, 5);  // the log goes on from the cut
  CHECK(r->LastLogged() == LogPosition{2, 20});
  r.reset();
  CHECK(h.Open()->Applied() == LogPosition{2, 20});
}

TEST_CASE("TruncateAfter at or past the end changes nothing", "[storage]") {
  test::ReplicaHarness h;
  auto r = h.OpenLeader(1);
  test::WriteTestPuts(*r, 1, 10);
  auto same = r->TruncateAfter(10);
  REQUIRE(same.ok());
  CHECK_FALSE(same->wal.changed);
  CHECK_FALSE(same->rebuild.has_value());
  CHECK(r->LastLogged().offset == 10);
  CHECK(test::QuarantineFolders(h.quarantine, "").empty());
}

TEST_CASE("TruncateAfter refuses, changing nothing, when the prefix cannot be rebuilt", "[storage]") {
  test::ReplicaHarness h;
  auto r = h.OpenLeader(1);
  test::WriteTestPuts(*r, 1, 300, 3);
  REQUIRE(r->CreateSnapshot().ok());
  test::WriteTestPuts(*r, 1, 30, 3);
  REQUIRE(!r->PurgeObsoleteWal(UINT64_MAX, 0)->deleted.empty());
  const std::string before = test::FingerprintTree(h.dir + "/wal");
  auto refused = r->TruncateAfter(100);  // neither a snapshot at or before 100 nor a WAL from 1
  CHECK(refused.status().IsFailedPrecondition());
  CHECK(test::FingerprintTree(h.dir + "/wal") == before);
  CHECK(r->LastLogged().offset == 330);
  test::WriteTestPuts(*r, 1, 1);  // still usable
}
