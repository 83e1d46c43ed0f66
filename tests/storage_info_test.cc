// ReadReplicaInfo: the offline view of a replica folder, which never changes a
// byte (invariant 8) and reports inconsistencies instead of failing.
#include <catch2/catch.hpp>

#include "storage/replica_info.h"
#include "tests/storage_test_util.h"
#include "wal/reader.h"
#include "wal/truncate.h"

using namespace kv;
using storage::LogPosition;

TEST_CASE("ReadReplicaInfo reports every part of a replica and changes no byte (invariant 8)", "[storage]") {
  test::ReplicaHarness h;
  {
    auto r = h.OpenLeader(2);
    test::WriteTestPuts(*r, 2, 40, 4);
    REQUIRE(r->CreateSnapshot().ok());
    test::WriteTestPuts(*r, 2, 5);
  }
  const std::string before = test::FingerprintTree(h.tmp.path());
  auto info = storage::ReadReplicaInfo(h.dir);
  CHECK(test::FingerprintTree(h.tmp.path()) == before);
  REQUIRE(info.ok());
  REQUIRE(info->descriptor.has_value());
  CHECK(info->descriptor->role == storage::Role::kLeader);
  CHECK(info->descriptor->term == 2);
  REQUIRE(info->wal.has_value());
  CHECK(info->wal->last_offset == 45);
  CHECK(info->db_present);
  CHECK(info->applied == LogPosition{2, 45});
  CHECK(info->db_tid == 7);
  CHECK(info->db_pid == 3);
  REQUIRE(info->snapshots.size() == 1);
  CHECK(info->snapshots[0].offset == 40);
  CHECK(info->last == LogPosition{2, 45});
  CHECK(info->problems.empty());
}

TEST_CASE("ReadReplicaInfo works beside an open replica", "[storage]") {
  test::ReplicaHarness h;
  auto r = h.OpenLeader(1);
  test::WriteTestPuts(*r, 1, 12);
  auto info = storage::ReadReplicaInfo(h.dir);
  REQUIRE(info.ok());
  CHECK(info->last == r->LastLogged());  // from the WAL, whatever the DB has flushed
  CHECK(info->problems.empty());
}

TEST_CASE("ReadReplicaInfo names a DB ahead of its WAL, a torn tail and a bad replica.json", "[storage]") {
  test::ReplicaHarness h;
  {
    auto r = h.OpenLeader(1);
    test::WriteTestPuts(*r, 1, 30);
  }
  REQUIRE(wal::TruncateAfter(h.dir + "/wal", 20, h.quarantine, "test").ok());
  const auto files = wal::ListSegmentFiles(h.dir + "/wal").value();
  test::AppendBytes(files.back(), std::string(10, '\x01'));
  test::WriteFile(h.dir + "/replica.json", "{\"format_version\": 9}");

  const std::string before = test::FingerprintTree(h.tmp.path());
  auto info = storage::ReadReplicaInfo(h.dir);
  CHECK(test::FingerprintTree(h.tmp.path()) == before);
  REQUIRE(info.ok());
  CHECK_FALSE(info->descriptor.has_value());
  CHECK(info->descriptor_status.IsCorruption());
  CHECK(info->last == LogPosition{1, 20});
  CHECK(info->applied == LogPosition{1, 30});
  std::string all;
  for (const auto& p : info->problems) all += p + "\n";
  CHECK_THAT(all, Catch::Contains("format_version 9"));
  CHECK_THAT(all, Catch::Contains("torn tail of 10 bytes"));
  CHECK_THAT(all, Catch::Contains("the DB applied offset 30 but the WAL ends at 20"));
}

TEST_CASE("ReadReplicaInfo of a missing folder is NotFound", "[storage]") {
  test::TempDir tmp;
  CHECK(storage::ReadReplicaInfo(tmp / "nope").status().IsNotFound());
}
