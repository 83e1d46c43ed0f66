// The follower path: previous (term, offset) checks, skipping what is already
// held, and cutting a divergent suffix into quarantine (invariant 2).
#include <catch2/catch.hpp>

#include "tests/storage_test_util.h"
#include "tests/wal_test_util.h"

using namespace kv;
using storage::LogPosition;
using Verdict = storage::PrevCheck::Verdict;

namespace {

// A follower holding offsets 1..10 at term 1 and 11..15 at term 2: the tail
// came from a leader of term 2 that died before anyone else had it.
std::unique_ptr<storage::Replica> DivergedFollower(test::ReplicaHarness& h) {
  auto f = h.Open();
  REQUIRE(f->AppendReplicated({0, 0}, test::ReplicatedPuts(1, 10, 1)).ok());
  REQUIRE(f->AppendReplicated({1, 10}, test::ReplicatedPuts(11, 5, 2)).ok());
  REQUIRE(f->LastLogged() == LogPosition{2, 15});
  return f;
}

}  // namespace

TEST_CASE("a follower holds exactly what its leader wrote (invariant 2)", "[storage]") {
  test::ReplicaHarness lh(7, 3), fh(7, 3);
  auto leader = lh.OpenLeader(1);
  test::WriteTestPuts(*leader, 1, 30, 7);
  auto follower = fh.Open();
  REQUIRE(follower->AppendReplicated({0, 0}, test::ReplicatedPuts(1, 30, 1)).ok());
  CHECK(follower->LastLogged() == leader->LastLogged());
  CHECK(follower->Applied() == leader->Applied());
  CHECK(follower->Checksum()->content == leader->Checksum()->content);
  CHECK(test::ReadContent(*follower) == test::ReadContent(*leader));
}

TEST_CASE("CheckPrev tells match, behind and diverged apart, with the conflict hint", "[storage]") {
  test::ReplicaHarness h;
  auto f = DivergedFollower(h);
  CHECK(f->CheckPrev({1, 5})->verdict == Verdict::kMatch);
  CHECK(f->CheckPrev({2, 15})->verdict == Verdict::kMatch);
  CHECK(f->CheckPrev({0, 0})->verdict == Verdict::kMatch);

  auto behind = f->CheckPrev({2, 20});
  REQUIRE(behind.ok());
  CHECK(behind->verdict == Verdict::kBehind);
  CHECK(behind->conflict_term == 0);
  CHECK(behind->conflict_offset == 16);

  auto diverged = f->CheckPrev({3, 12});  // the new leader has term 3 at offset 12
  REQUIRE(diverged.ok());
  CHECK(diverged->verdict == Verdict::kDiverged);
  CHECK(diverged->conflict_term == 2);
  CHECK(diverged->conflict_offset == 11);  // where term 2 starts: the leader backs up a whole term
}

TEST_CASE("records after a mismatching prev are refused and change nothing", "[storage]") {
  test::ReplicaHarness h;
  auto f = DivergedFollower(h);
  storage::PrevCheck why;
  Status s = f->AppendReplicated({3, 12}, test::ReplicatedPuts(13, 2, 3), &why);
  CHECK(storage::IsLogMismatch(s));
  CHECK(why.verdict == Verdict::kDiverged);
  s = f->AppendReplicated({3, 30}, test::ReplicatedPuts(31, 2, 3), &why);
  CHECK(storage::IsLogMismatch(s));
  CHECK(why.verdict == Verdict::kBehind);
  CHECK(f->LastLogged() == LogPosition{2, 15});
  CHECK(test::QuarantineFolders(h.quarantine, "truncate").empty());
}

TEST_CASE("a divergent suffix is cut into quarantine and the leader's records appended (invariant 2)",
          "[storage]") {
  test::ReplicaHarness h;
  auto f = DivergedFollower(h);
  // The new leader (term 3) holds 1..10 at term 1, then its own 11..13.
  std::vector<wal::Record> leaders;
  for (uint64_t offset = 11; offset <= 13; ++offset) {
    leaders.push_back(wal::Record::Put(3, "new" + std::to_string(offset), "v"));
    leaders.back().offset = offset;
  }
  REQUIRE(f->AppendReplicated({1, 10}, leaders).ok());
  CHECK(f->LastLogged() == LogPosition{3, 13});
  CHECK(f->Applied() == LogPosition{3, 13});
  CHECK(test::ReadContent(*f) == test::ContentFromWal(h.dir + "/wal"));
  CHECK(f->Get("new12").value() == "v");
  CHECK(f->Get(test::TestKey(14)).status().IsNotFound());  // the old term's records are gone from the data...

  const auto cut = test::QuarantineFolders(h.quarantine, "truncate-after-10");
  REQUIRE(cut.size() == 1);
  auto saved = test::ReadAll(cut[0]);  // ... and kept, readable, in quarantine
  CHECK(saved.offsets == std::vector<uint64_t>{11, 12, 13, 14, 15});
  CHECK(test::QuarantineFolders(h.quarantine, "replaced-db").size() == 1);  // the DB had applied them
}

TEST_CASE("records a follower already holds are skipped, not cut", "[storage]") {
  test::ReplicaHarness h;
  auto f = DivergedFollower(h);
  REQUIRE(f->AppendReplicated({1, 4}, test::ReplicatedPuts(5, 6, 1)).ok());  // a retransmission
  REQUIRE(f->AppendReplicated({1, 10}, test::ReplicatedPuts(11, 7, 2)).ok());  // overlaps 11..15, adds 16, 17
  CHECK(f->LastLogged() == LogPosition{2, 17});
  CHECK(test::QuarantineFolders(h.quarantine, "truncate").empty());
}

TEST_CASE("a leader takes no replicated records and a follower no leader writes", "[storage]") {
  test::ReplicaHarness h;
  auto r = h.OpenLeader(2);
  CHECK(r->AppendReplicated({0, 0}, test::ReplicatedPuts(1, 1, 2)).IsFailedPrecondition());
  REQUIRE(r->SetRole(storage::Role::kFollower, 3).ok());
  auto rs = test::TestPuts(1, 1, 3);
  CHECK(r->Write(3, &rs).IsFailedPrecondition());
  CHECK(r->AppendReplicated({0, 0}, test::ReplicatedPuts(1, 1, 2)).ok());
}
