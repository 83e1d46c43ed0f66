// Content checksums, snapshots (create, verify, install) and WAL retention.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "storage/rebuild.h"
#include "storage/retention.h"
#include "common/file.h"
#include "tests/storage_test_util.h"
#include "tests/wal_test_util.h"
#include "wal/reader.h"

using namespace kv;
using storage::LogPosition;

TEST_CASE("XXH64 matches the reference implementation", "[storage][checksum]") {
  CHECK(storage::Xxh64("") == 0xef46db3751d8e999ull);
  CHECK(storage::Xxh64("a") == 0xd24ec4f1a98c6e5bull);
  CHECK(storage::Xxh64("abc") == 0x44bc2cf5ad770999ull);
  CHECK(storage::Xxh64("Nobody inspects the spammish repetition") == 0xfbcea83c8a378bf1ull);
  CHECK(storage::Xxh64("Nobody inspects the spammish repetition", 1234567) == 0x7427ae5a78e87238ull);
  std::string bytes;
  for (int i = 0; i < 100; ++i) bytes.push_back(static_cast<char>(i));
  CHECK(storage::Xxh64(bytes) == 0x6ac1e58032166597ull);
}

TEST_CASE("the content checksum is the sum of XXH64 over length-prefixed entries", "[storage][checksum]") {
  storage::ContentChecksum c;
  c.Add("ab", "c");
  c.Add("a", "bc");  // the length prefix tells these two apart
  CHECK(c.record_count == 2);
  CHECK(c.sum == storage::Xxh64(std::string("\x02\0\0\0abc", 7)) + storage::Xxh64(std::string("\x01\0\0\0abc", 7)));
  storage::ContentChecksum reversed;
  reversed.Add("a", "bc");
  reversed.Add("ab", "c");
  CHECK(reversed == c);
  CHECK(c.Hex().size() == 16);
}

TEST_CASE("the content checksum depends on the data only, not on how it was written", "[storage][checksum]") {
  test::ReplicaHarness ah, bh;
  auto a = ah.OpenLeader(1);
  test::WriteTestPuts(*a, 1, 200, 1);
  // b: other batches, overwrites and deletes on the way, a snapshot (flush) in between.
  auto b = bh.OpenLeader(5);
  std::vector<wal::Record> junk{wal::Record::Put(5, test::TestKey(3), "old"), wal::Record::Put(5, "gone", "x")};
  REQUIRE(b->Write(5, &junk).ok());
  REQUIRE(b->CreateSnapshot().ok());
  for (uint64_t i = 200; i >= 1; i -= 25) {
    auto rs = test::TestPuts(i - 24, 25, 5);
    REQUIRE(b->Write(5, &rs).ok());
  }
  std::vector<wal::Record> del{wal::Record::Delete(5, "gone")};
  REQUIRE(b->Write(5, &del).ok());

  const auto ca = a->Checksum().value(), cb = b->Checksum().value();
  CHECK(ca.content == cb.content);
  CHECK(ca.content.record_count == 200);
  CHECK(ca.applied != cb.applied);  // different logs, same data

  std::vector<wal::Record> change{wal::Record::Put(5, test::TestKey(7), "changed")};
  REQUIRE(b->Write(5, &change).ok());
  CHECK(b->Checksum()->content != ca.content);
  CHECK(b->Checksum()->content.record_count == 200);
}

TEST_CASE("a snapshot holds the applied position and content its manifest names", "[storage][snapshot]") {
  test::ReplicaHarness h;
  auto r = h.OpenLeader(2);
  CHECK(r->CreateSnapshot().status().IsFailedPrecondition());  // nothing applied yet
  test::WriteTestPuts(*r, 2, 50, 4);
  auto m = r->CreateSnapshot();
  INFO(m.status().ToString());
  REQUIRE(m.ok());
  CHECK(m->position == LogPosition{2, 50});
  CHECK(m->content == r->Checksum()->content);
  CHECK(m->tid == 7);
  CHECK(m->pid == 3);

  auto again = r->CreateSnapshot();  // nothing applied since: the same snapshot
  REQUIRE(again.ok());
  CHECK(again->created == m->created);
  test::WriteTestPuts(*r, 2, 10);
  REQUIRE(r->CreateSnapshot().ok());

  auto list = r->ListSnapshots();
  REQUIRE(list.ok());
  REQUIRE(list->size() == 2);
  CHECK((*list)[0].offset == 50);
  CHECK((*list)[1].offset == 60);
  const std::string dir = (*list)[0].dir;
  CHECK(dir == h.dir + "/snapshots/00000000000000000050");
  CHECK(storage::VerifySnapshot(dir).ok());

  // The manifest is versioned JSON with every field docs/storage.md names.
  auto j = nlohmann::json::parse(test::ReadFile(dir + "/manifest.json"));
  CHECK(j["format_version"] == 1);
  CHECK(j["offset"] == 50);
  CHECK(j["term"] == 2);
  CHECK(j["record_count"] == 50);
  CHECK(j["checksum_algorithm"] == "xxh64-sum-v1");
  CHECK(j["content_checksum"] == m->content.Hex());
  CHECK(j.contains("created"));
}

TEST_CASE("a snapshot that does not hold what its manifest says fails verification", "[storage][snapshot]") {
  test::ReplicaHarness h;
  auto r = h.OpenLeader(1);
  test::WriteTestPuts(*r, 1, 20, 5);
  auto m = r->CreateSnapshot();
  REQUIRE(m.ok());
  const std::string dir = h.dir + "/snapshots/00000000000000000020";
  auto j = nlohmann::json::parse(test::ReadFile(dir + "/manifest.json"));
  j["record_count"] = 19;
  test::WriteFile(dir + "/manifest.json", j.dump());
  auto v = storage::VerifySnapshot(dir);
  CHECK(v.status().IsCorruption());
  CHECK_THAT(v.status().message(), Catch::Contains("20 records"));

  j["record_count"] = 20;
  j["offset"] = 21;
  test::WriteFile(dir + "/manifest.json", j.dump());
  CHECK(storage::VerifySnapshot(dir).status().IsCorruption());
  CHECK_FALSE(r->ListSnapshots()->at(0).status.ok());  // named 20, says 21
}

TEST_CASE("a follower installs a leader's snapshot and its log continues after it", "[storage][snapshot]") {
  test::ReplicaHarness lh, fh;
  auto leader = lh.OpenLeader(3);
  test::WriteTestPuts(*leader, 3, 100, 10);
  auto m = leader->CreateSnapshot();
  REQUIRE(m.ok());
  auto follower = fh.Open();
  REQUIRE(follower->AppendReplicated({0, 0}, test::ReplicatedPuts(1, 5, 1)).ok());  // an old, short log

  Status s = follower->InstallSnapshot(lh.dir + "/snapshots/00000000000000000100");
  INFO(s.ToString());
  REQUIRE(s.ok());
  CHECK(follower->Applied() == LogPosition{3, 100});
  CHECK(follower->LastLogged() == LogPosition{3, 100});
  CHECK(follower->Checksum()->content == m->content);
  CHECK(follower->CheckPrev({3, 100})->verdict == storage::PrevCheck::Verdict::kMatch);
  CHECK(test::QuarantineFolders(fh.quarantine, "truncate-after-0").size() == 1);  // its old log, kept
  CHECK(follower->ListSnapshots()->size() == 1);

  REQUIRE(follower->AppendReplicated({3, 100}, test::ReplicatedPuts(101, 10, 3)).ok());
  follower.reset();
  follower = fh.Open();
  CHECK(follower->LastLogged() == LogPosition{3, 110});
  CHECK(follower->Count().value() == 110);
}

TEST_CASE("retention plans delete only segments wholly below the mark", "[storage][retention]") {
  const std::vector<storage::SegmentSpan> segs{{"a", 1}, {"b", 11}, {"c", 21}, {"d", 31}};
  auto names = [](const storage::RetentionPlan& p) { return p.obsolete; };
  CHECK(names(storage::PlanWalRetention(segs, 10, 0)).empty());  // a ends at 10: not below 10
  CHECK(names(storage::PlanWalRetention(segs, 11, 0)) == std::vector<std::string>{"a"});
  CHECK(names(storage::PlanWalRetention(segs, 31, 0)) == std::vector<std::string>{"a", "b", "c"});
  CHECK(names(storage::PlanWalRetention(segs, 1000, 0)) == std::vector<std::string>{"a", "b", "c"});  // never d
  CHECK(names(storage::PlanWalRetention(segs, 1000, 2)) == std::vector<std::string>{"a"});
  CHECK(names(storage::PlanWalRetention(segs, 1000, 5)).empty());
}

TEST_CASE("retention deletes obsolete segments after a snapshot, and the replica still opens", "[storage][retention]") {
  test::ReplicaHarness h;
  auto r = h.OpenLeader(1);
  test::WriteTestPuts(*r, 1, 300, 3);
  auto before = wal::ListSegmentFiles(h.dir + "/wal").value();
  REQUIRE(before.size() > 4);
  CHECK(r->PurgeObsoleteWal(UINT64_MAX, 0)->deleted.empty());  // no snapshot: every record is the only copy

  REQUIRE(r->CreateSnapshot().ok());  // at 300
  test::WriteTestPuts(*r, 1, 60, 3);
  auto low = r->PurgeObsoleteWal(150, 0);  // a follower still needs 150 onwards
  REQUIRE(low.ok());
  CHECK(low->keep_from == 150);
  CHECK_FALSE(low->deleted.empty());
  CHECK(test::ReadAll(h.dir + "/wal").summary.first_offset <= 150);

  auto all = r->PurgeObsoleteWal(UINT64_MAX, 1);
  REQUIRE(all.ok());
  CHECK(all->keep_from == 300);
  const auto left = test::ReadAll(h.dir + "/wal");
  CHECK(left.summary.first_offset <= 300);
  CHECK(left.summary.last_offset == 360);
  CHECK(left.damages.empty());

  r.reset();
  r = h.Open();
  CHECK(r->Applied().offset == 360);
  // Rebuilding now needs the snapshot: the WAL no longer starts at 1.
  auto plan = storage::PlanRebuild(h.dir, 360);
  REQUIRE(plan.ok());
  REQUIRE(plan->snapshot.has_value());
  CHECK(plan->start.offset == 300);
  auto rebuilt = r->Rebuild(360);
  INFO(rebuilt.status().ToString());
  REQUIRE(rebuilt.ok());
  CHECK(rebuilt->records_replayed == 60);
  CHECK(r->Count().value() == 360);
  CHECK(storage::PlanRebuild(h.dir, 100).status().IsFailedPrecondition());
}

TEST_CASE("pruning keeps the newest snapshots, pinned ones and unreadable ones", "[storage][retention]") {
  test::ReplicaHarness h;
  auto r = h.OpenLeader(1);
  for (int i = 0; i < 4; ++i) {
    test::WriteTestPuts(*r, 1, 10, 5);
    REQUIRE(r->CreateSnapshot().ok());  // at 10, 20, 30, 40
  }
  // An unreadable one, older than all: evidence for an operator, never deleted.
  const std::string broken = h.dir + "/snapshots/00000000000000000005";
  REQUIRE(CreateDirs(broken).ok());
  REQUIRE(WriteFileAtomic(broken + "/manifest.json", "{not json").ok());

  auto deleted = r->PruneSnapshots(2, {20});
  REQUIRE(deleted.ok());
  CHECK(deleted->size() == 1);  // 10
  std::vector<uint64_t> left;
  for (const storage::SnapshotInfo& s : r->ListSnapshots().value()) left.push_back(s.offset);
  CHECK(left == std::vector<uint64_t>{5, 20, 30, 40});
  CHECK(ListDir(h.dir + "/snapshots").value().size() == 4);  // no hidden leftover

  REQUIRE(r->PruneSnapshots(1, {}).ok());
  left.clear();
  for (const storage::SnapshotInfo& s : r->ListSnapshots().value()) left.push_back(s.offset);
  CHECK(left == std::vector<uint64_t>{5, 40});
  // keep 0 still keeps the newest: WAL retention relies on it.
  REQUIRE(r->PruneSnapshots(0, {}).ok());
  CHECK(r->ListSnapshots()->size() == 2);
}

TEST_CASE("installing a snapshot moves the follower's own later snapshots to quarantine", "[storage][snapshot]") {
  test::ReplicaHarness lh, fh;
  auto leader = lh.OpenLeader(3);
  test::WriteTestPuts(*leader, 3, 50, 10);
  REQUIRE(leader->CreateSnapshot().ok());
  auto follower = fh.OpenLeader(1);  // a longer log of an older term, with its own snapshot past 50
  test::WriteTestPuts(*follower, 1, 80, 10);
  REQUIRE(follower->CreateSnapshot().ok());

  Status s = follower->InstallSnapshot(lh.dir + "/snapshots/00000000000000000050");
  INFO(s.ToString());
  REQUIRE(s.ok());
  std::vector<uint64_t> left;
  for (const storage::SnapshotInfo& info : follower->ListSnapshots().value()) left.push_back(info.offset);
  CHECK(left == std::vector<uint64_t>{50});
  CHECK(test::QuarantineFolders(fh.quarantine, "truncated-snapshot").size() == 1);
}

TEST_CASE("installing a snapshot where the follower has its own at the same offset with other content replaces "
          "it, keeping the old one in quarantine",
          "[storage][snapshot]") {
  test::ReplicaHarness lh, fh;
  auto leader = lh.OpenLeader(3);
  test::WriteTestPuts(*leader, 3, 50, 10);
  auto theirs = leader->CreateSnapshot();
  REQUIRE(theirs.ok());
  auto follower = fh.OpenLeader(1);  // an older term's log of the same length, its last record another
  test::WriteTestPuts(*follower, 1, 49, 20);
  std::vector<wal::Record> other{wal::Record::Put(1, "another key", "another value")};
  REQUIRE(follower->Write(1, &other).ok());
  auto mine = follower->CreateSnapshot();
  REQUIRE(mine.ok());
  REQUIRE(mine->content != theirs->content);

  Status s = follower->InstallSnapshot(lh.dir + "/snapshots/00000000000000000050");
  INFO(s.ToString());
  REQUIRE(s.ok());
  CHECK(follower->Applied() == LogPosition{3, 50});
  CHECK(follower->Checksum()->content == theirs->content);
  const std::vector<storage::SnapshotInfo> left = follower->ListSnapshots().value();
  REQUIRE(left.size() == 1);
  CHECK(storage::VerifySnapshot(left[0].dir)->content == theirs->content);
  CHECK(test::QuarantineFolders(fh.quarantine, "replaced-snapshot").size() == 1);  // its own, kept

  // Installing the same snapshot again changes nothing more.
  REQUIRE(follower->InstallSnapshot(lh.dir + "/snapshots/00000000000000000050").ok());
  CHECK(test::QuarantineFolders(fh.quarantine, "replaced-snapshot").size() == 1);
}
