// A replica's write and read paths, its descriptor, and what opening does with
// the WAL (invariants 1, 3 and 7).
#include <signal.h>
#include <sys/resource.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <thread>

#include "storage/rebuild.h"
#include "tests/storage_test_util.h"
#include "tests/wal_test_util.h"
#include "wal/truncate.h"
#include "wal/writer.h"

using namespace kv;
using storage::LogPosition;

TEST_CASE("replica and snapshot folders are named so that they parse back and sort", "[storage]") {
  CHECK(storage::ReplicaDirName(12, 0) == "12_0");
  CHECK(storage::ParseReplicaDirName("12_0") == std::make_pair(12u, 0u));
  CHECK_FALSE(storage::ParseReplicaDirName("12").has_value());
  CHECK_FALSE(storage::ParseReplicaDirName("12_x").has_value());
  CHECK_FALSE(storage::ParseReplicaDirName("-1_0").has_value());
  CHECK_FALSE(storage::ParseReplicaDirName("1_99999999999").has_value());
  CHECK(storage::ReplicaDir("/data", 12, 0) == "/data/partitions/12_0");
  CHECK(storage::QuarantineRoot("/data") == "/data/quarantine");
  CHECK(storage::SnapshotDirName(120) == "00000000000000000120");
  CHECK(storage::ParseSnapshotDirName("00000000000000000120") == 120u);
  CHECK_FALSE(storage::ParseSnapshotDirName(".tmp-00000000000000000120").has_value());
  CHECK(storage::SnapshotDirName(9) < storage::SnapshotDirName(10));
}

TEST_CASE("puts, deletes and batches are read back by get, scan and count", "[storage]") {
  test::ReplicaHarness h;
  auto r = h.OpenLeader(1);
  wal::BatchBuilder batch;
  batch.Put("c", "3");
  batch.Put("d", "4");
  batch.Delete("a");
  std::vector<wal::Record> rs{wal::Record::Noop(1, "term 1 starts"), wal::Record::Put(1, "a", "1"),
                              wal::Record::Put(1, "b", "2"), batch.Finish(1), wal::Record::Delete(1, "d")};
  REQUIRE(r->Write(1, &rs).ok());
  CHECK(rs.back().offset == 5);
  CHECK(r->Applied() == LogPosition{1, 5});
  CHECK(r->LastLogged() == LogPosition{1, 5});

  CHECK(r->Get("b").value() == "2");
  CHECK(r->Get("a").status().IsNotFound());
  CHECK(r->Get("d").status().IsNotFound());
  CHECK(test::ReadContent(*r) == test::Content{{"b", "2"}, {"c", "3"}});
  CHECK(r->Count().value() == 2);
  auto first = r->Scan("", "", 1);
  REQUIRE(first.ok());
  CHECK(first->entries.size() == 1);
  CHECK(first->more);
  auto bounded = r->Scan("b", "c", 0);
  REQUIRE(bounded.ok());
  REQUIRE(bounded->entries.size() == 1);
  CHECK(bounded->entries[0].key == "b");
  CHECK_FALSE(bounded->more);

  r.reset();  // a clean close flushes: the reopened DB needs no replay
  r = h.Open();
  CHECK(r->Applied() == LogPosition{1, 5});
  CHECK(test::ReadContent(*r) == test::Content{{"b", "2"}, {"c", "3"}});
}

TEST_CASE("writes are refused unless the replica leads at that term (invariant 3)", "[storage]") {
  test::ReplicaHarness h;
  auto r = h.Open();
  auto rs = test::TestPuts(1, 1);
  CHECK(r->Write(0, &rs).IsFailedPrecondition());  // a follower
  REQUIRE(r->SetRole(storage::Role::kLeader, 3).ok());
  rs = test::TestPuts(1, 1, 2);
  CHECK(r->Write(2, &rs).IsFailedPrecondition());  // an older term
  CHECK(r->SetTerm(2).IsFailedPrecondition());     // terms never go back
  rs = test::TestPuts(1, 1, 3);
  CHECK(r->Write(3, &rs).ok());
  CHECK(r->LastLogged() == LogPosition{3, 1});
}

TEST_CASE("role and term survive a restart in replica.json (invariant 3)", "[storage]") {
  test::ReplicaHarness h;
  {
    auto r = h.Open();
    CHECK(r->descriptor().role == storage::Role::kFollower);
    REQUIRE(r->SetRole(storage::Role::kLeader, 4).ok());
    REQUIRE(r->SetTerm(6).ok());
  }
  auto d = storage::ReadDescriptor(h.dir + "/replica.json");
  REQUIRE(d.ok());
  CHECK(d->role == storage::Role::kLeader);
  CHECK(d->term == 6);
  CHECK(d->table == "t7");
  auto r = h.Open();
  CHECK(r->descriptor().term == 6);
}

TEST_CASE("a folder of another partition is refused", "[storage]") {
  test::ReplicaHarness h;
  h.Open().reset();
  h.options.pid = 4;
  auto other = storage::Replica::Open(h.dir, h.options, h.env);
  CHECK(other.status().IsFailedPrecondition());
}

TEST_CASE("an undecodable record is refused before it reaches the WAL (invariant 1)", "[storage]") {
  test::ReplicaHarness h;
  auto r = h.OpenLeader(1);
  std::vector<wal::Record> rs{wal::Record{0, 1, wal::RecordType::kPut, "\xff\xff\xff\xff\xff"}};
  CHECK(r->Write(1, &rs).IsInvalidArgument());
  CHECK(r->LastLogged().offset == 0);
  test::WriteTestPuts(*r, 1, 3);
  CHECK(r->Applied().offset == 3);
}

TEST_CASE("opening replays the WAL past the DB's applied offset (invariant 7)", "[storage]") {
  test::ReplicaHarness h;
  {
    auto r = h.OpenLeader(1);
    test::WriteTestPuts(*r, 1, 10);
  }
  {
    // The WAL ahead of the DB: records the DB never saw, as after a crash.
    auto w = wal::Writer::Open(h.dir + "/wal", {.tid = 7, .pid = 3, .segment_bytes = 4096});
    REQUIRE(w.ok());
    std::vector<wal::Record> more = test::TestPuts(11, 20, 2);
    REQUIRE((*w)->AppendAssigning(&more).ok());
  }
  auto r = h.Open();
  CHECK(r->Applied() == LogPosition{2, 30});
  CHECK(r->LastLogged() == LogPosition{2, 30});
  CHECK(test::ReadContent(*r) == test::ContentFromWal(h.dir + "/wal"));
  CHECK(r->Count().value() == 30);
  CHECK(r->TermStartAt(25).value() == LogPosition{2, 11});  // term 2 starts at offset 11
  CHECK(r->TermStartAt(10).value() == LogPosition{1, 1});
}

TEST_CASE("a torn WAL tail is cut into quarantine when the replica opens", "[storage]") {
  test::ReplicaHarness h;
  {
    auto r = h.OpenLeader(1);
    test::WriteTestPuts(*r, 1, 20);
  }
  const auto files = wal::ListSegmentFiles(h.dir + "/wal").value();
  test::AppendBytes(files.back(), std::string(50, '\x7f'));
  auto r = h.Open();
  CHECK(r->Applied().offset == 20);
  const auto torn = test::QuarantineFolders(h.quarantine, "torn-tail");
  REQUIRE(torn.size() == 1);
  CHECK(PathExists(torn[0] + "/manifest.json"));
}

TEST_CASE("concurrent writers share the WAL and apply in offset order (invariants 1, 7)", "[storage]") {
  test::ReplicaHarness h;
  auto r = h.OpenLeader(1);
  constexpr int kThreads = 4, kWrites = 150;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWrites; ++i) {
        const std::string key = "t" + std::to_string(t) + "-" + std::to_string(i);
        std::vector<wal::Record> rs{wal::Record::Put(1, key, key), wal::Record::Put(1, key + "b", key)};
        if (!r->Write(1, &rs).ok() || rs[1].offset != rs[0].offset + 1) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(failures == 0);
  CHECK(r->Applied() == LogPosition{1, kThreads * kWrites * 2});
  CHECK(r->Count().value() == kThreads * kWrites * 2);
  CHECK(test::ReadContent(*r) == test::ContentFromWal(h.dir + "/wal"));
}

TEST_CASE("a DB ahead of its WAL is refused at open and rebuilt offline", "[storage]") {
  test::ReplicaHarness h;
  {
    auto r = h.OpenLeader(1);
    test::WriteTestPuts(*r, 1, 40);
  }
  // The WAL loses its end behind the replica's back (as a machine crash can at wal_level 1).
  REQUIRE(wal::TruncateAfter(h.dir + "/wal", 25, h.quarantine, "test").ok());
  auto refused = storage::Replica::Open(h.dir, h.options, h.env);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().IsFailedPrecondition());
  CHECK_THAT(refused.status().message(), Catch::Contains("rebuild"));

  auto plan = storage::PlanRebuild(h.dir, 25);
  REQUIRE(plan.ok());
  CHECK_FALSE(plan->snapshot.has_value());
  CHECK(plan->records_to_replay() == 25);
  auto rebuilt = storage::RebuildDb(h.dir, 25, h.env, {h.quarantine, "test rebuild"});
  INFO(rebuilt.status().ToString());
  REQUIRE(rebuilt.ok());
  CHECK(PathExists(rebuilt->quarantine_dir + "/CURRENT"));  // the old DB, whole, in quarantine
  auto r = h.Open();
  CHECK(r->Applied().offset == 25);
  CHECK(test::ReadContent(*r) == test::ContentFromWal(h.dir + "/wal"));
}

TEST_CASE("offline rebuild refuses while the replica is open", "[storage]") {
  test::ReplicaHarness h;
  auto r = h.OpenLeader(1);
  test::WriteTestPuts(*r, 1, 5);
  CHECK(storage::RebuildDb(h.dir, 5, h.env, {h.quarantine, "test"}).status().IsBusy());
}

TEST_CASE("a replica whose WAL write failed refuses writes, says why, and writes again once reopened, with the "
          "torn record cut and every written one kept (invariants 1, 7)",
          "[storage]") {
  test::ReplicaHarness h;
  auto r = h.OpenLeader();
  test::WriteTestPuts(*r, 1, 20);
  REQUIRE(r->WritesStopped().ok());

  // The next WAL write fails half way, as on a full disk: the segment may
  // grow only a few bytes (RLIMIT_FSIZE, with SIGXFSZ ignored so the write
  // fails with EFBIG instead of ending the process).
  uint64_t segment = 0;
  for (const auto& entry : std::filesystem::directory_iterator(r->paths().wal)) {
    if (entry.path().extension() == ".log") segment = std::max<uint64_t>(segment, std::filesystem::file_size(entry));
  }
  const auto old_handler = ::signal(SIGXFSZ, SIG_IGN);
  rlimit unlimited{};
  REQUIRE(::getrlimit(RLIMIT_FSIZE, &unlimited) == 0);
  rlimit limited = unlimited;
  limited.rlim_cur = segment + 8;
  REQUIRE(::setrlimit(RLIMIT_FSIZE, &limited) == 0);
  std::vector<wal::Record> failing = test::TestPuts(0, 1);
  const Status failed = r->Write(1, &failing);
  REQUIRE(::setrlimit(RLIMIT_FSIZE, &unlimited) == 0);
  ::signal(SIGXFSZ, old_handler);

  REQUIRE_FALSE(failed.ok());
  const Status stopped = r->WritesStopped();
  CHECK_FALSE(stopped.ok());
  CHECK_THAT(stopped.message(), Catch::Contains("WAL writer stopped after a failed write"));
  std::vector<wal::Record> refused = test::TestPuts(0, 1);
  CHECK(r->Write(1, &refused).message() == stopped.message());  // even with the limit lifted

  REQUIRE(r->Reopen().ok());
  CHECK(r->WritesStopped().ok());
  CHECK(r->LastLogged() == LogPosition{1, 20});  // the torn record is cut (into quarantine)
  CHECK(r->Applied() == LogPosition{1, 20});
  CHECK_FALSE(test::QuarantineFolders(h.quarantine, "torn-tail").empty());
  std::vector<wal::Record> next = test::TestPuts(0, 1);
  REQUIRE(r->Write(1, &next).ok());
  CHECK(r->LastLogged() == LogPosition{1, 21});
  CHECK(test::ReadContent(*r) == test::ContentFromWal(r->paths().wal));
}
