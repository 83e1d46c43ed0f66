// `inspect wal`: the library (filters, stats, verify findings, notes) and the
// CLI's exit codes and JSON lines. Defends invariant 8: inspect never changes a byte.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "inspect/wal_inspect.h"
#include "tests/test_util.h"
#include "tests/wal_test_util.h"
#include "wal/segment.h"

extern char** environ;

using namespace kv;
using inspect::WalHealth;

namespace {
namespace fs = std::filesystem;

struct Shown {
  uint64_t offset;
  uint64_t term;
  wal::RecordType type;
  std::vector<std::string> keys;
  std::string file;
  uint64_t pos;
};

class CollectingSink : public inspect::WalSink {
 public:
  void OnRecord(const inspect::WalEntry& e) override {
    Shown s{e.record.offset, e.record.term, e.record.type, {}, *e.where.file, e.where.file_pos};
    for (const wal::Op& op : e.ops) s.keys.emplace_back(op.key);
    records.push_back(std::move(s));
  }
  void OnDamage(const wal::Damage& d) override { damages.push_back(d); }
  std::vector<Shown> records;
  std::vector<wal::Damage> damages;
};

inspect::WalInput Input(const std::vector<std::string>& paths) {
  auto in = inspect::ResolveWalInput(paths);
  REQUIRE(in.ok());
  return in.value();
}

inspect::WalReadReport Dump(const std::string& path, const inspect::WalFilter& f, CollectingSink* sink) {
  auto r = inspect::InspectWal(Input({path}), f, sink);
  REQUIRE(r.ok());
  return r.value();
}

struct Verified {
  inspect::WalReadReport report;
  std::vector<wal::Damage> damages;
};
Verified Verify(const std::vector<std::string>& paths) {
  CollectingSink sink;
  auto r = inspect::VerifyWal(Input(paths), &sink);
  REQUIRE(r.ok());
  CHECK(sink.records.empty());  // verify shows damage only
  return {r.value(), sink.damages};
}

std::vector<uint64_t> Offsets(const std::vector<Shown>& rs) {
  std::vector<uint64_t> out;
  for (const Shown& s : rs) out.push_back(s.offset);
  return out;
}

// A log of every record type: noop, put, delete, batch (offsets 1..4, term 2).
void WriteMixedLog(const std::string& dir) {
  auto w = wal::Writer::Open(dir, {.tid = 7, .pid = 3});
  REQUIRE(w.ok());
  wal::BatchBuilder b;
  b.Put("apple", "red");
  b.Delete("banana");
  b.Put("cherry", "dark");
  std::vector<wal::Record> rs{wal::Record::Noop(2, "term 2 starts"), wal::Record::Put(2, "banana", "yellow"),
                              wal::Record::Delete(2, "apple"), b.Finish(2)};
  REQUIRE((*w)->AppendAssigning(&rs).ok());
}

// Where the record at offset sits, found by a clean read.
Shown Locate(const std::string& dir, uint64_t offset) {
  CollectingSink sink;
  Dump(dir, {.from_offset = offset, .to_offset = offset}, &sink);
  REQUIRE(sink.records.size() == 1);
  return sink.records.front();
}

const wal::Damage* Find(const std::vector<wal::Damage>& ds, wal::DamageKind kind) {
  for (const wal::Damage& d : ds) {
    if (d.kind == kind) return &d;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("the dump filters by offset range, term, type and limit", "[inspect][wal]") {
  test::TempDir tmp;
  test::WriteTestLog(tmp.path(), {.records = 100});  // terms 1: 1..40, 2: 41..80, 3: 81..100

  CollectingSink all;
  auto r = Dump(tmp.path(), {}, &all);
  CHECK(all.records.size() == 100);
  CHECK(r.health == WalHealth::kClean);
  CHECK(r.records_shown == 100);

  CollectingSink range;
  Dump(tmp.path(), {.from_offset = 30, .to_offset = 35}, &range);
  CHECK(Offsets(range.records) == std::vector<uint64_t>{30, 31, 32, 33, 34, 35});

  CollectingSink term;
  Dump(tmp.path(), {.term = 2}, &term);
  REQUIRE(term.records.size() == 40);
  CHECK(term.records.front().offset == 41);
  CHECK(term.records.back().offset == 80);

  CollectingSink limited;
  auto lr = Dump(tmp.path(), {.term = 3, .limit = 5}, &limited);
  CHECK(Offsets(limited.records) == std::vector<uint64_t>{81, 82, 83, 84, 85});
  CHECK(lr.stopped_at_limit);

  CollectingSink none;
  Dump(tmp.path(), {.type = wal::RecordType::kBatch}, &none);
  CHECK(none.records.empty());

  CHECK(inspect::ValidateWalFilter({.from_offset = 10, .to_offset = 5}).IsInvalidArgument());
}

TEST_CASE("a key prefix matches any op of a batch, and batches show their keys", "[inspect][wal]") {
  test::TempDir tmp;
  WriteMixedLog(tmp.path());

  CollectingSink cherry;
  Dump(tmp.path(), {.key_prefix = "cher"}, &cherry);
  REQUIRE(cherry.records.size() == 1);
  CHECK(cherry.records[0].type == wal::RecordType::kBatch);
  CHECK(cherry.records[0].keys == std::vector<std::string>{"apple", "banana", "cherry"});

  CollectingSink banana;
  Dump(tmp.path(), {.key_prefix = "ban"}, &banana);
  CHECK(Offsets(banana.records) == std::vector<uint64_t>{2, 4});  // the put, and the batch's delete

  CollectingSink deletes;
  Dump(tmp.path(), {.type = wal::RecordType::kDelete}, &deletes);
  CHECK(Offsets(deletes.records) == std::vector<uint64_t>{3});
}

TEST_CASE("stats count per segment, per term and per type", "[inspect][wal]") {
  test::TempDir tmp;
  auto files = test::WriteTestLog(tmp.path(), {.records = 100});
  CollectingSink damage;
  auto st = inspect::CollectWalStats(Input({tmp.path()}), &damage);
  REQUIRE(st.ok());
  CHECK(damage.damages.empty());
  REQUIRE(st->segments.size() == files.size());
  uint64_t records = 0, bytes = 0, expect_first = 1;
  for (const auto& s : st->segments) {
    CHECK(s.first_offset == expect_first);  // in offset order, contiguous
    CHECK(s.tid == 7u);
    CHECK(s.pid == 3u);
    records += s.records;
    bytes += s.bytes;
    expect_first = s.last_offset + 1;
  }
  CHECK(records == 100);
  CHECK(bytes == st->read.summary.bytes);
  REQUIRE(st->terms.size() == 3);
  CHECK((st->terms[0].first_offset == 1 && st->terms[0].last_offset == 40 && st->terms[0].records == 40));
  CHECK((st->terms[1].first_offset == 41 && st->terms[1].last_offset == 80));
  CHECK((st->terms[2].term == 3 && st->terms[2].first_offset == 81 && st->terms[2].last_offset == 100));
  CHECK(st->records_by_type.at(wal::RecordType::kPut) == 100);
  CHECK(st->records_by_type.at(wal::RecordType::kBatch) == 0);
  CHECK(st->read.summary.first_offset == 1);
  CHECK(st->read.summary.last_offset == 100);
  CHECK(st->read.summary.skipped_bytes == 0);

  test::TempDir mixed;
  WriteMixedLog(mixed.path());
  auto ms = inspect::CollectWalStats(Input({mixed.path()}), &damage);
  REQUIRE(ms.ok());
  for (auto t : {wal::RecordType::kNoop, wal::RecordType::kPut, wal::RecordType::kDelete, wal::RecordType::kBatch}) {
    CHECK(ms->records_by_type.at(t) == 1);
  }
}

TEST_CASE("verify finds a flipped bit mid-log and names the lost offsets", "[inspect][wal][verify]") {
  test::TempDir tmp;
  test::WriteTestLog(tmp.path(), {.records = 100});
  CHECK(Verify({tmp.path()}).report.health == WalHealth::kClean);

  const Shown victim = Locate(tmp.path(), 10);
  test::FlipBit(victim.file, victim.pos + wal::kRecordHeaderSize + 2);
  auto v = Verify({tmp.path()});
  CHECK(v.report.health == WalHealth::kDamaged);
  REQUIRE(!v.damages.empty());
  const wal::Damage& d = v.damages[0];
  CHECK(d.kind == wal::DamageKind::kCorruptRecords);
  CHECK(d.file == victim.file);
  CHECK(d.file_pos == victim.pos);
  CHECK(d.has_crc);
  CHECK(d.expected_crc != d.computed_crc);
  CHECK(d.lost_from == 10);
  CHECK(d.lost_to == 10);
  CHECK(v.report.summary.records == 99);
}

TEST_CASE("verify reports a zero-length segment file, mid-log and at the end", "[inspect][wal][verify]") {
  test::TempDir tmp;
  auto files = test::WriteTestLog(tmp.path(), {.records = 100});
  const std::string middle = tmp / wal::SegmentFileName(50);
  test::WriteFile(middle, "");
  auto v = Verify({tmp.path()});
  CHECK(v.report.health == WalHealth::kDamaged);
  const wal::Damage* d = Find(v.damages, wal::DamageKind::kBadSegmentHeader);
  REQUIRE(d != nullptr);
  CHECK(d->file == middle);
  CHECK_THAT(d->reason, Catch::Contains("empty file"));

  fs::remove(middle);
  const std::string last = tmp / wal::SegmentFileName(101);
  test::WriteFile(last, "");
  auto t = Verify({tmp.path()});
  CHECK(t.report.health == WalHealth::kTornTail);
  REQUIRE(t.damages.size() == 1);
  CHECK(t.damages[0].file == last);
}

TEST_CASE("verify calls garbage after the last record a torn tail", "[inspect][wal][verify]") {
  test::TempDir tmp;
  auto files = test::WriteTestLog(tmp.path(), {.records = 100});
  const uint64_t size = fs::file_size(files.back());
  test::AppendBytes(files.back(), std::string(100, '\x5a'));
  auto v = Verify({tmp.path()});
  CHECK(v.report.health == WalHealth::kTornTail);
  REQUIRE(v.report.torn_tail.has_value());
  CHECK(v.report.torn_tail->file == files.back());
  CHECK(v.report.torn_tail->file_pos == size);
  CHECK(v.report.torn_tail->length == 100);
  CHECK(v.report.summary.records == 100);
}

TEST_CASE("verify names a foreign segment, a missing segment and an overlap", "[inspect][wal][verify]") {
  test::TempDir tmp;
  const std::string dir = tmp / "wal";
  auto files = test::WriteTestLog(dir, {.records = 200});
  REQUIRE(files.size() >= 3);

  SECTION("foreign segment") {
    const std::string other = tmp / "other";
    {
      auto w = wal::Writer::Open(other, {.tid = 9, .pid = 0, .first_offset = 1000});
      REQUIRE(w.ok());
      std::vector<wal::Record> rs{wal::Record::Put(1, "k", "v")};
      REQUIRE((*w)->AppendAssigning(&rs).ok());
    }
    fs::copy_file(other + "/" + wal::SegmentFileName(1000), dir + "/" + wal::SegmentFileName(1000));
    auto v = Verify({dir});
    const wal::Damage* d = Find(v.damages, wal::DamageKind::kForeignSegment);
    REQUIRE(d != nullptr);
    CHECK_THAT(d->reason, Catch::Contains("table 9"));
    CHECK(v.report.health == WalHealth::kDamaged);
  }
  SECTION("missing middle segment") {
    const uint64_t second_first = *wal::ParseSegmentFileName(fs::path(files[1]).filename().string());
    const uint64_t third_first = *wal::ParseSegmentFileName(fs::path(files[2]).filename().string());
    fs::remove(files[1]);
    auto v = Verify({dir});
    const wal::Damage* d = Find(v.damages, wal::DamageKind::kMissingSegment);
    REQUIRE(d != nullptr);
    CHECK(d->lost_from == second_first);
    CHECK(d->lost_to == third_first - 1);
  }
  SECTION("the same segment in two folders overlaps; the same file twice is read once") {
    const std::string copy = tmp / "copy";
    fs::create_directories(copy);
    fs::copy_file(files[0], copy + "/" + fs::path(files[0]).filename().string());
    auto v = Verify({dir, copy});
    CHECK(Find(v.damages, wal::DamageKind::kOverlap) != nullptr);

    auto twice = inspect::ResolveWalInput({dir, files[0]});
    REQUIRE(twice.ok());
    CHECK(twice->files.size() == files.size());
    REQUIRE(twice->notes.size() == 1);
    CHECK_THAT(twice->notes[0].text, Catch::Contains("more than once"));
  }
}

TEST_CASE("a payload that does not decode is damage even when its checksums hold", "[inspect][wal][verify]") {
  test::TempDir tmp;
  {
    auto w = wal::Writer::Open(tmp.path(), {});
    REQUIRE(w.ok());
    std::vector<wal::Record> rs{wal::Record::Put(1, "a", "b"), {0, 1, wal::RecordType::kPut, "\xff\xff\xff\xff\xff"}};
    REQUIRE((*w)->AppendAssigning(&rs).ok());
  }
  auto v = Verify({tmp.path()});
  CHECK(v.report.health == WalHealth::kDamaged);
  REQUIRE(v.damages.size() == 1);
  CHECK(v.damages[0].lost_from == 2);
  CHECK_THAT(v.damages[0].reason, Catch::Contains("does not decode"));
}

TEST_CASE("stray files are notes, but LOCK and quarantine/ are not", "[inspect][wal]") {
  test::TempDir tmp;
  auto files = test::WriteTestLog(tmp.path(), {.records = 10});
  test::WriteFile(tmp / "LOCK", "");
  fs::create_directories(tmp / "quarantine");
  fs::create_directories(tmp / "old");
  test::WriteFile(tmp / "notes.txt", "hello");
  test::WriteFile(tmp / (wal::SegmentFileName(11) + ".tmp"), "x");
  auto in = Input({tmp.path()});
  CHECK(in.files == files);
  std::vector<std::string> noted;
  for (const auto& n : in.notes) noted.push_back(fs::path(n.path).filename().string());
  std::sort(noted.begin(), noted.end());
  CHECK(noted == std::vector<std::string>{wal::SegmentFileName(11) + ".tmp", "notes.txt", "old"});

  // An explicit file is read whatever its name, with a note saying so.
  const std::string renamed = tmp / "old/copy.bin";
  fs::copy_file(files[0], renamed);
  auto explicit_in = Input({renamed});
  CHECK(explicit_in.files == std::vector<std::string>{renamed});
  REQUIRE(explicit_in.notes.size() == 1);
  CollectingSink sink;
  auto r = inspect::InspectWal(explicit_in, {}, &sink);
  REQUIRE(r.ok());
  CHECK(r->health == WalHealth::kClean);
  CHECK(sink.records.size() == 10);
}

TEST_CASE("bad paths are refused and an empty folder has no segments", "[inspect][wal]") {
  test::TempDir tmp;
  CHECK(inspect::ResolveWalInput({tmp / "missing"}).status().IsNotFound());
  CHECK(inspect::ResolveWalInput({"/dev/null"}).status().IsInvalidArgument());
  auto in = Input({tmp.path()});
  CHECK(in.files.empty());
  REQUIRE(in.notes.size() == 1);
  CHECK_THAT(in.notes[0].text, Catch::Contains("no segments"));
  CHECK(Verify({tmp.path()}).report.health == WalHealth::kNoSegments);
  CHECK(inspect::ParseHex("6b6579").value() == "key");
  CHECK(inspect::ParseHex("6b6").status().IsInvalidArgument());
}

// ---- The CLI, run as a child process. ----
namespace {

using test::JsonLines;

// Runs the inspect binary with args (the scratch folder is kept for the callers' paths).
test::ProgramRun RunInspect(const test::TempDir& /*scratch*/, std::vector<std::string> args) {
  args.insert(args.begin(), KV_BINARY_DIR "/inspect/inspect");
  auto run = test::RunProgram(args);
  REQUIRE(run.exit_code >= 0);  // never a crash
  return run;
}

size_t CountWith(const std::vector<nlohmann::json>& lines, const char* key) {
  return std::count_if(lines.begin(), lines.end(), [&](const nlohmann::json& j) { return j.contains(key); });
}

size_t LineCount(const std::string& s) { return std::count(s.begin(), s.end(), '\n'); }

}  // namespace

TEST_CASE("inspect wal exits 0 on a clean log, with JSON lines that parse", "[inspect][wal][cli]") {
  test::TempDir tmp, scratch;
  const std::string dir = tmp / "wal";
  test::WriteTestLog(dir, {.records = 100});
  test::WriteFile(dir + "/stray.txt", "?");

  auto dump = RunInspect(scratch, {"wal", "--json", dir});
  CHECK(dump.exit_code == 0);
  auto lines = JsonLines(dump.out);
  CHECK(CountWith(lines, "offset") == 100);
  CHECK(CountWith(lines, "note") == 1);
  REQUIRE(CountWith(lines, "summary") == 1);
  CHECK(lines.back()["summary"]["end"] == "clean");
  CHECK_THAT(dump.err, Catch::Contains("stray.txt") && Catch::Contains("clean end of log"));

  auto table = RunInspect(scratch, {"wal", dir, "--term", "2", "--limit", "3", "--print-value"});
  CHECK(table.exit_code == 0);
  CHECK(LineCount(table.out) == 2 + 3);  // header, rule, three rows
  CHECK_THAT(table.out, Catch::Contains("key41") && Catch::Contains("value41"));
  CHECK_THAT(table.err, Catch::Contains("stopped at --limit"));

  auto stats = RunInspect(scratch, {"wal", "--stats", "--json", dir});
  CHECK(stats.exit_code == 0);
  auto st = JsonLines(stats.out);
  CHECK(CountWith(st, "term") == 3);
  REQUIRE(CountWith(st, "totals") == 1);
  CHECK(st.back()["totals"]["records"] == 100);

  auto verify = RunInspect(scratch, {"wal", "--verify", dir});
  CHECK(verify.exit_code == 0);
  CHECK_THAT(verify.out, Catch::Contains("verdict: clean"));
}

TEST_CASE("inspect wal --verify exits 1 on damage and on a torn tail", "[inspect][wal][cli]") {
  test::TempDir tmp, scratch;
  auto files = test::WriteTestLog(tmp.path(), {.records = 100});

  SECTION("torn tail") {
    test::AppendBytes(files.back(), "garbage after the last record");
    auto v = RunInspect(scratch, {"wal", "--verify", tmp.path()});
    CHECK(v.exit_code == 1);
    CHECK_THAT(v.out, Catch::Contains("torn tail") && Catch::Contains("repair wal truncate-tail"));
    auto dump = RunInspect(scratch, {"wal", tmp.path()});
    CHECK(dump.exit_code == 0);  // how a log ends after a crash: reported, not a failure of the dump
    CHECK_THAT(dump.err, Catch::Contains("end: torn tail"));
  }
  SECTION("flipped bit mid-log") {
    test::FlipBit(files[0], wal::kSegmentHeaderSize + 3 * 80);
    auto v = RunInspect(scratch, {"wal", "--verify", "--json", tmp.path()});
    CHECK(v.exit_code == 1);
    auto lines = JsonLines(v.out);
    REQUIRE(CountWith(lines, "damage") >= 1);
    CHECK(lines.front()["damage"] == "corrupt-records");
    CHECK(lines.front()["lost_from"].is_number());
    CHECK(lines.back()["verdict"] == "damaged");
    auto dump = RunInspect(scratch, {"wal", "--json", tmp.path()});
    CHECK(dump.exit_code == 1);
    CHECK(CountWith(JsonLines(dump.out), "damage") >= 1);
  }
}

TEST_CASE("inspect wal refuses bad usage with one line and exit 2", "[inspect][wal][cli]") {
  test::TempDir tmp, scratch;
  test::WriteTestLog(tmp / "wal", {.records = 10});
  const std::string dir = tmp / "wal";
  const std::vector<std::vector<std::string>> bad = {
      {"wal", tmp / "missing"},
      {"wal", "/dev/null"},
      {"wal", dir, "--from", "10", "--to", "5"},
      {"wal", dir, "--type", "upsert"},
      {"wal", dir, "--limit", "0"},
      {"wal", dir, "--limit", "-3"},
      {"wal", dir, "--from", "-1"},
      {"wal", dir, "--stats", "--verify"},
      {"wal", dir, "--verify", "--term", "1"},
      {"wal", dir, "--hex", "--key-prefix", "zz"},
      {"wal"},
  };
  for (const auto& args : bad) {
    auto r = RunInspect(scratch, args);
    INFO(args.back() << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(LineCount(r.err) == 1);
    CHECK(r.out.empty());
  }
}

TEST_CASE("inspect wal on a folder with no segments says so and exits 0", "[inspect][wal][cli]") {
  test::TempDir tmp, scratch;
  for (const char* mode : {"--stats", "--verify"}) {
    auto r = RunInspect(scratch, {"wal", mode, tmp.path()});
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.err, Catch::Contains("no segments"));
  }
  auto dump = RunInspect(scratch, {"wal", tmp.path()});
  CHECK(dump.exit_code == 0);
  CHECK_THAT(dump.err, Catch::Contains("no segments"));
}

TEST_CASE("inspect wal never changes a byte of a damaged log (invariant 8)", "[inspect][wal][cli]") {
  test::TempDir tmp, scratch;
  const std::string dir = tmp / "wal";
  auto files = test::WriteTestLog(dir, {.records = 100});
  test::FlipBit(files[1], wal::kSegmentHeaderSize + 50);
  test::AppendBytes(files.back(), std::string(37, '\0'));
  test::WriteFile(dir + "/" + wal::SegmentFileName(5000), "not a segment at all");
  test::WriteFile(dir + "/stray", "x");
  const std::string before = test::FingerprintTree(tmp.path());

  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"wal", dir},
                                             {"wal", "--json", "--print-value", "--hex", dir},
                                             {"wal", "--stats", dir},
                                             {"wal", "--verify", "--json", dir, files[0]}}) {
    auto r = RunInspect(scratch, args);
    CHECK(r.exit_code == 1);
  }
  CollectingSink sink;
  REQUIRE(inspect::CollectWalStats(Input({dir}), &sink).ok());
  CHECK(sink.damages.size() >= 2);
  CHECK(test::FingerprintTree(tmp.path()) == before);
}
