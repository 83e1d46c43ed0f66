#include <catch2/catch.hpp>

#include "tests/test_util.h"
#include "tests/wal_test_util.h"
#include "wal/reader.h"
#include "wal/tail.h"
#include "wal/writer.h"

using namespace kv;

TEST_CASE("records written are read back in order with their terms", "[wal]") {
  test::TempDir tmp;
  auto files = test::WriteTestLog(tmp / "wal", {.records = 200});
  CHECK(files.size() > 3);  // small segments: the log rolled
  auto c = test::ReadAll(tmp / "wal");
  REQUIRE(c.offsets.size() == 200);
  for (uint64_t i = 0; i < 200; ++i) CHECK(c.offsets[i] == i + 1);
  CHECK(c.damages.empty());
  CHECK(c.summary.end == wal::ReadEnd::kCleanEnd);
  CHECK(c.summary.last_offset == 200);
  CHECK(c.summary.last_term == 5);
}

TEST_CASE("put, delete, batch and noop payloads decode to their ops", "[wal]") {
  test::TempDir tmp;
  {
    auto w = wal::Writer::Open(tmp.path(), {});
    REQUIRE(w.ok());
    wal::BatchBuilder b;
    b.Put("k1", "v1");
    b.Delete("k2");
    std::vector<wal::Record> rs{wal::Record::Noop(1, "term 1 starts"), wal::Record::Put(1, "a", "b"),
                                wal::Record::Delete(1, "a"), b.Finish(1)};
    REQUIRE((*w)->AppendAssigning(&rs).ok());
    CHECK(rs[3].offset == 4);
  }
  std::vector<std::string> seen;
  auto sum = wal::ReadLogInMode(tmp.path(), wal::ReadMode::kStrict, {}, [&](const wal::RecordView& r) {
    auto s = wal::ForEachOp(r, [&](const wal::Op& op) {
      seen.push_back(std::string(wal::RecordTypeName(op.type)) + ":" + std::string(op.key) + "=" +
                     std::string(op.value));
    });
    REQUIRE(s.ok());
    return true;
  });
  REQUIRE(sum.ok());
  CHECK(seen == std::vector<std::string>{"put:a=b", "delete:a=", "put:k1=v1", "delete:k2="});
}

TEST_CASE("the writer refuses offsets that do not follow the log", "[wal]") {
  test::TempDir tmp;
  auto w = wal::Writer::Open(tmp.path(), {});
  REQUIRE(w.ok());
  std::vector<wal::Record> rs{wal::Record::Put(1, "a", "b")};
  rs[0].offset = 5;  // an empty log may start anywhere
  REQUIRE((*w)->Append(rs).ok());
  rs[0].offset = 7;
  CHECK((*w)->Append(rs).IsInvalidArgument());
  rs[0].offset = 6;
  rs[0].term = 0;  // older term than the log's
  CHECK((*w)->Append(rs).IsInvalidArgument());
  rs[0].term = 2;
  CHECK((*w)->Append(rs).ok());
  CHECK((*w)->last_offset() == 6);
  CHECK((*w)->last_term() == 2);
}

TEST_CASE("a reopened writer continues where the log ends", "[wal]") {
  test::TempDir tmp;
  test::WriteTestLog(tmp.path(), {.records = 50});
  auto w = wal::Writer::Open(tmp.path(), {.tid = 7, .pid = 3, .segment_bytes = 4096});
  REQUIRE(w.ok());
  CHECK((*w)->last_offset() == 50);
  std::vector<wal::Record> rs{wal::Record::Put(2, "x", "y")};
  REQUIRE((*w)->AppendAssigning(&rs).ok());
  CHECK(rs[0].offset == 51);
}

TEST_CASE("a second writer on the same folder is refused while the first holds the lock", "[wal]") {
  test::TempDir tmp;
  auto w1 = wal::Writer::Open(tmp.path(), {});
  REQUIRE(w1.ok());
  auto w2 = wal::Writer::Open(tmp.path(), {});
  REQUIRE_FALSE(w2.ok());
  CHECK(w2.status().IsBusy());
}

TEST_CASE("the tail is found from the trailer without a scan", "[wal][tail]") {
  test::TempDir tmp;
  test::WriteTestLog(tmp.path(), {.records = 120});
  auto tail = wal::FindTail(tmp.path());
  REQUIRE(tail.ok());
  CHECK(tail->used_fast_path);
  CHECK(tail->last_offset == 120);
  CHECK(tail->last_term == 3);
  CHECK(tail->first_offset == 1);
  CHECK(tail->torn_bytes == 0);
}

TEST_CASE("seeking by offset starts at the right segment", "[wal]") {
  test::TempDir tmp;
  test::WriteTestLog(tmp.path(), {.records = 300});
  auto c = test::ReadAll(tmp.path(), {.from_offset = 250, .to_offset = 260});
  REQUIRE(c.offsets.size() == 11);
  CHECK(c.offsets.front() == 250);
  CHECK(c.offsets.back() == 260);
  CHECK(c.summary.segments < 4);  // did not read the whole log
}
