// Every kind of damage the WAL reader knows, each checked for its exact report:
// kind, file, byte position, length, reason, checksums and the offsets lost, and
// that exactly the intact records are delivered. Then the three read policies,
// FindTail and TruncateAfter on damaged and clean logs.
#include <catch2/catch.hpp>

#include <filesystem>

#include "common/crc32c.h"
#include "common/file.h"
#include "tests/test_util.h"
#include "tests/wal_test_util.h"
#include "wal/reader.h"
#include "wal/segment.h"
#include "wal/tail.h"
#include "wal/truncate.h"
#include "wal/writer.h"

using namespace kv;
using wal::DamageKind;

namespace {

// A record of the undamaged log and where it sits.
struct Placed {
  uint64_t offset = 0, term = 0;
  std::string file;
  uint64_t pos = 0, length = 0;
};

class PlacingHandler : public wal::ReadHandler {
 public:
  bool OnRecord(const wal::RecordView& r, const wal::RecordLocation& where) override {
    placed.push_back({r.offset, r.term, *where.file, where.file_pos, where.length});
    return true;
  }
  bool OnDamage(const wal::Damage&) override {
    FAIL("the fixture log is damaged before the test damaged it");
    return false;
  }
  std::vector<Placed> placed;
};

constexpr uint64_t kRecords = 100;
constexpr uint64_t kLastTerm = 3;  // WriteTestLog starts a term every 40 records

// A log of 100 records in segments of ~14 records, and the place of every record
// as read before any damage. recs[i] is the record with offset i + 1.
struct Fixture {
  test::TempDir tmp;
  std::string dir = tmp / "wal";
  std::vector<std::string> files;
  std::vector<Placed> recs;

  Fixture() {
    files = test::WriteTestLog(dir, {.records = kRecords, .segment_bytes = 1024});
    REQUIRE(files.size() >= 6);
    PlacingHandler h;
    REQUIRE(wal::ReadLog(dir, {}, &h).ok());
    recs = h.placed;
    REQUIRE(recs.size() == kRecords);
  }
  const Placed& rec(uint64_t offset) const { return recs.at(offset - 1); }
  uint64_t first_in(size_t seg) const { return *wal::ParseSegmentFileName(Name(files[seg])); }
  uint64_t last_in(size_t seg) const {
    return seg + 1 < files.size() ? first_in(seg + 1) - 1 : kRecords;
  }
  std::string SegmentPath(uint64_t first_offset) const {
    return dir + "/" + wal::SegmentFileName(first_offset);
  }
  static std::string Name(const std::string& path) { return std::filesystem::path(path).filename(); }
};

std::vector<uint64_t> OffsetsExcept(uint64_t lost_from, uint64_t lost_to, uint64_t last = kRecords) {
  std::vector<uint64_t> v;
  for (uint64_t o = 1; o <= last; ++o) {
    if (o < lost_from || o > lost_to) v.push_back(o);
  }
  return v;
}
std::vector<uint64_t> AllOffsets(uint64_t last = kRecords) { return OffsetsExcept(1, 0, last); }

wal::Damage Want(DamageKind kind, std::string file, uint64_t pos, uint64_t length, std::string reason) {
  wal::Damage d;
  d.kind = kind;
  d.file = std::move(file);
  d.file_pos = pos;
  d.length = length;
  d.reason = std::move(reason);
  return d;
}

// The checksums a record header at pos reports: the one it stores and the one its bytes give.
void WantHeaderCrcs(wal::Damage* d, const std::string& file_bytes, uint64_t pos) {
  d->has_crc = true;
  d->expected_crc = crc32c::Unmask(wal::DecodeFixed32(file_bytes.data() + pos));
  d->computed_crc = crc32c::Value(file_bytes.data() + pos + 4, wal::kRecordHeaderSize - 4);
}

void CheckReport(const wal::Damage& got, const wal::Damage& want) {
  INFO("got: " << got.Describe());
  CHECK(wal::DamageKindName(got.kind) == std::string(wal::DamageKindName(want.kind)));
  CHECK(got.file == want.file);
  CHECK(got.file_pos == want.file_pos);
  CHECK(got.length == want.length);
  CHECK(got.reason == want.reason);
  CHECK(got.has_crc == want.has_crc);
  CHECK(got.expected_crc == want.expected_crc);
  CHECK(got.computed_crc == want.computed_crc);
  CHECK(got.last_good_offset == want.last_good_offset);
  CHECK(got.next_good_offset == want.next_good_offset);
  CHECK(got.lost_from == want.lost_from);
  CHECK(got.lost_to == want.lost_to);
}

void SetOffsets(wal::Damage* d, uint64_t last_good, uint64_t next_good, uint64_t lost_from = 0,
                uint64_t lost_to = 0) {
  d->last_good_offset = last_good;
  d->next_good_offset = next_good;
  d->lost_from = lost_from;
  d->lost_to = lost_to;
}

// Reads dir in salvage mode and checks the one damage and the records delivered.
void CheckOnlyDamage(const std::string& dir, const wal::Damage& want, const std::vector<uint64_t>& delivered,
                     wal::ReadEnd end = wal::ReadEnd::kDamaged) {
  auto c = test::ReadAll(dir);
  REQUIRE(c.damages.size() == 1);
  CheckReport(c.damages[0], want);
  CHECK(c.offsets == delivered);
  CHECK(c.summary.damages == 1);
  CHECK(c.summary.skipped_bytes == want.length);
  CHECK(wal::ReadEndName(c.summary.end) == std::string(wal::ReadEndName(end)));
}

// Damage before the last segment does not change the tail, and FindTail does not look
// for it: it reads only the end of the last segment (tail.h). `inspect wal --verify`
// is what finds mid-log damage.
void CheckTailIgnoresEarlierDamage(const std::string& dir) {
  auto tail = wal::FindTail(dir);
  REQUIRE(tail.ok());
  CHECK(tail->used_fast_path);
  CHECK(tail->last_offset == kRecords);
  CHECK(tail->last_term == kLastTerm);
  CHECK(tail->torn_bytes == 0);
}

// Damage FindTail must not take for the end of the log.
void CheckTailRefused(const std::string& dir) {
  auto tail = wal::FindTail(dir);
  REQUIRE_FALSE(tail.ok());
  CHECK(tail.status().IsCorruption());
}

// The tail of a log whose last segment ends in torn_bytes of damage after record `last`.
void CheckTornTail(const Fixture& fx, uint64_t last, uint64_t torn_bytes) {
  auto tail = wal::FindTail(fx.dir);
  REQUIRE(tail.ok());
  CHECK_FALSE(tail->used_fast_path);
  CHECK(tail->last_offset == last);
  CHECK(tail->last_term == fx.rec(last).term);
  CHECK(tail->last_file == fx.rec(last).file);
  CHECK(tail->end_pos == fx.rec(last).pos + fx.rec(last).length);
  CHECK(tail->torn_bytes == torn_bytes);
}

const std::string kGarbage =
    "this text is not a WAL record; it stands for bytes a faulty disk or a careless copy left behind.";

}  // namespace

TEST_CASE("a bit flip in a record header loses exactly that record", "[wal][damage]") {
  Fixture fx;
  const Placed& hit = fx.rec(fx.first_in(2) + 3);
  test::FlipBit(hit.file, hit.pos + 9, 2);  // inside the offset field
  wal::Damage want = Want(DamageKind::kCorruptRecords, hit.file, hit.pos, hit.length,
                          "record header checksum mismatch");
  WantHeaderCrcs(&want, test::ReadFile(hit.file), hit.pos);
  SetOffsets(&want, hit.offset - 1, hit.offset + 1, hit.offset, hit.offset);
  CheckOnlyDamage(fx.dir, want, OffsetsExcept(hit.offset, hit.offset));
  CheckTailIgnoresEarlierDamage(fx.dir);
}

TEST_CASE("a bit flip in a payload loses exactly that record and reports both checksums", "[wal][damage]") {
  Fixture fx;
  const Placed& hit = fx.rec(fx.first_in(3) + 1);
  const std::string before = test::ReadFile(hit.file);
  test::FlipBit(hit.file, hit.pos + wal::kRecordHeaderSize + 5, 7);
  const std::string after = test::ReadFile(hit.file);
  const size_t payload_len = hit.length - wal::kRecordOverhead;
  wal::Damage want = Want(DamageKind::kCorruptRecords, hit.file, hit.pos, hit.length,
                          "record payload checksum mismatch");
  want.has_crc = true;
  want.expected_crc = crc32c::Value(before.data() + hit.pos + wal::kRecordHeaderSize, payload_len);
  want.computed_crc = crc32c::Value(after.data() + hit.pos + wal::kRecordHeaderSize, payload_len);
  SetOffsets(&want, hit.offset - 1, hit.offset + 1, hit.offset, hit.offset);
  CheckOnlyDamage(fx.dir, want, OffsetsExcept(hit.offset, hit.offset));
  CheckTailIgnoresEarlierDamage(fx.dir);
}

TEST_CASE("a record cut short at the end of the last segment is a torn tail", "[wal][damage][tail]") {
  Fixture fx;
  const Placed& last = fx.rec(kRecords);
  // Cut inside the header, then inside the payload: both are a write the writer never finished.
  const uint64_t kept = GENERATE(uint64_t{20}, uint64_t{50});
  test::TruncateFile(last.file, last.pos + kept);
  wal::Damage want = Want(DamageKind::kTornTail, last.file, last.pos, kept, "record truncated by end of file");
  SetOffsets(&want, kRecords - 1, 0);
  if (kept >= wal::kRecordHeaderSize) {
    // The header made it to disk: the report names the record the cut costs.
    want.reason += "; the header of offset " + std::to_string(kRecords) + " (term " +
                   std::to_string(kLastTerm) + ") is intact";
    want.lost_from = want.lost_to = kRecords;
  }
  CheckOnlyDamage(fx.dir, want, AllOffsets(kRecords - 1), wal::ReadEnd::kTornTail);
  CheckTornTail(fx, kRecords - 1, kept);
}

TEST_CASE("a last record with all its bytes but a bad payload is a torn tail that names its offset",
          "[wal][damage][tail]") {
  Fixture fx;
  const Placed& last = fx.rec(kRecords);
  const std::string before = test::ReadFile(last.file);
  test::FlipBit(last.file, last.pos + wal::kRecordHeaderSize + 3, 1);
  const std::string after = test::ReadFile(last.file);
  const size_t payload_len = last.length - wal::kRecordOverhead;
  wal::Damage want = Want(DamageKind::kTornTail, last.file, last.pos, last.length,
                          "record payload checksum mismatch; the header of offset " + std::to_string(kRecords) +
                              " (term " + std::to_string(kLastTerm) + ") is intact");
  want.has_crc = true;
  want.expected_crc = crc32c::Value(before.data() + last.pos + wal::kRecordHeaderSize, payload_len);
  want.computed_crc = crc32c::Value(after.data() + last.pos + wal::kRecordHeaderSize, payload_len);
  SetOffsets(&want, kRecords - 1, 0, kRecords, kRecords);
  CheckOnlyDamage(fx.dir, want, AllOffsets(kRecords - 1), wal::ReadEnd::kTornTail);
  CheckTornTail(fx, kRecords - 1, last.length);
}

TEST_CASE("a record cut short at the end of a middle segment is corruption, not a torn tail", "[wal][damage]") {
  Fixture fx;
  const uint64_t lost = fx.last_in(2);
  const Placed& cut = fx.rec(lost);
  test::TruncateFile(cut.file, cut.pos + 50);
  wal::Damage want = Want(DamageKind::kCorruptRecords, cut.file, cut.pos, 50,
                          "record truncated by end of file; nothing valid follows in this segment");
  SetOffsets(&want, lost - 1, lost + 1, lost, lost);
  // One report for the lost record: the next segment starting at lost + 1 is no second hole.
  CheckOnlyDamage(fx.dir, want, OffsetsExcept(lost, lost));
  CheckTailIgnoresEarlierDamage(fx.dir);
}

TEST_CASE("a zeroed range over several records loses those records and no others", "[wal][damage]") {
  Fixture fx;
  const uint64_t from = fx.first_in(3) + 2;
  const Placed& first = fx.rec(from);
  const Placed& resume = fx.rec(from + 4);
  // From the start of `from` into the header of from + 3: four records are gone.
  test::ZeroRange(first.file, first.pos, fx.rec(from + 3).pos + 10 - first.pos);
  wal::Damage want = Want(DamageKind::kCorruptRecords, first.file, first.pos, resume.pos - first.pos,
                          "record header checksum mismatch");
  WantHeaderCrcs(&want, test::ReadFile(first.file), first.pos);
  CHECK(want.expected_crc == crc32c::Unmask(0));
  SetOffsets(&want, from - 1, from + 4, from, from + 3);
  CheckOnlyDamage(fx.dir, want, OffsetsExcept(from, from + 3));
  CheckTailIgnoresEarlierDamage(fx.dir);
}

TEST_CASE("the last records zeroed to the end of the log are a zero-filled torn tail", "[wal][damage][tail]") {
  Fixture fx;
  const Placed& first = fx.rec(kRecords - 1);
  const uint64_t size = *FileSize(first.file);
  test::ZeroRange(first.file, first.pos, size - first.pos);
  wal::Damage want = Want(DamageKind::kTornTail, first.file, first.pos, size - first.pos, "zero-filled tail");
  WantHeaderCrcs(&want, test::ReadFile(first.file), first.pos);
  SetOffsets(&want, kRecords - 2, 0);
  CheckOnlyDamage(fx.dir, want, AllOffsets(kRecords - 2), wal::ReadEnd::kTornTail);
  CheckTornTail(fx, kRecords - 2, size - first.pos);
}

TEST_CASE("bytes after the last record of the log are a torn tail", "[wal][damage][tail]") {
  // Zeros: the file grew but its data never arrived. Garbage: a write cut short.
  const std::string added = GENERATE(std::string(4096, '\0'), kGarbage);
  Fixture fx;
  const std::string& path = fx.files.back();
  const uint64_t size = *FileSize(path);
  test::AppendBytes(path, added);
  wal::Damage want = Want(DamageKind::kTornTail, path, size, added.size(),
                          added == kGarbage ? "record header checksum mismatch" : "zero-filled tail");
  WantHeaderCrcs(&want, test::ReadFile(path), size);
  SetOffsets(&want, kRecords, 0);
  CheckOnlyDamage(fx.dir, want, AllOffsets(), wal::ReadEnd::kTornTail);
  CheckTornTail(fx, kRecords, added.size());
}

TEST_CASE("garbage after the last record of a middle segment is corruption that loses nothing",
          "[wal][damage]") {
  Fixture fx;
  const std::string& path = fx.files[2];
  const uint64_t size = *FileSize(path);
  test::AppendBytes(path, kGarbage);
  wal::Damage want = Want(DamageKind::kCorruptRecords, path, size, kGarbage.size(),
                          "record header checksum mismatch; nothing valid follows in this segment");
  WantHeaderCrcs(&want, test::ReadFile(path), size);
  SetOffsets(&want, fx.last_in(2), fx.first_in(3));
  CheckOnlyDamage(fx.dir, want, AllOffsets());
  CheckTailIgnoresEarlierDamage(fx.dir);
}

TEST_CASE("a missing middle segment is reported with the offsets it held", "[wal][damage]") {
  Fixture fx;
  const uint64_t from = fx.first_in(3), to = fx.last_in(3);
  std::filesystem::remove(fx.files[3]);
  wal::Damage want = Want(DamageKind::kMissingSegment, "", 0, 0,
                          "no segment holds offsets " + std::to_string(from) + ".." + std::to_string(to) +
                              " (next file: " + fx.files[4] + ")");
  SetOffsets(&want, from - 1, to + 1, from, to);
  CheckOnlyDamage(fx.dir, want, OffsetsExcept(from, to));
  CheckTailIgnoresEarlierDamage(fx.dir);
}

TEST_CASE("a second copy of records under another valid segment name is an overlap", "[wal][damage]") {
  Fixture fx;
  // The shape TruncateAfter gives cut records: a valid segment starting mid-way
  // through segment 2, as if a quarantined piece had been copied back.
  const uint64_t from = fx.first_in(2) + 5, to = fx.last_in(2);
  const std::string seg2 = test::ReadFile(fx.files[2]);
  std::string copy = wal::EncodeSegmentHeader({wal::kFormatVersion, 7, 3, from});
  copy += seg2.substr(fx.rec(from).pos);
  const std::string path = fx.SegmentPath(from);
  test::WriteFile(path, copy);
  wal::Damage want = Want(DamageKind::kOverlap, path, wal::kSegmentHeaderSize, copy.size() - wal::kSegmentHeaderSize,
                          "offsets " + std::to_string(from) + ".." + std::to_string(to) +
                              " were already read from an earlier segment or position; these copies are skipped");
  SetOffsets(&want, to, 0);
  CheckOnlyDamage(fx.dir, want, AllOffsets());
  CheckTailIgnoresEarlierDamage(fx.dir);
}

TEST_CASE("a segment whose header starts at offsets already read is an overlap even with no record",
          "[wal][damage][regression]") {
  Fixture fx;
  // Found by the fuzzer: a seek to offset 100 would start in this segment and miss
  // record 100, so its header is damage although it repeats no record; and a
  // writer must not append 101 to a segment that says it starts at 100.
  const std::string path = fx.SegmentPath(kRecords);
  test::WriteFile(path, wal::EncodeSegmentHeader({wal::kFormatVersion, 7, 3, kRecords}));
  wal::Damage want = Want(DamageKind::kOverlap, path, wal::kSegmentHeaderSize, 0,
                          "segment header says it starts at offset " + std::to_string(kRecords) +
                              ", but offsets up to " + std::to_string(kRecords) + " were already read");
  SetOffsets(&want, kRecords, 0);
  CheckOnlyDamage(fx.dir, want, AllOffsets());
  CheckTailRefused(fx.dir);
}

namespace {
// Files that sit among the segments, named like one, without being one of them.
struct Stranger {
  const char* what;
  std::string (*bytes)(const Fixture& fx, uint64_t first_offset);
  DamageKind kind;
  const char* reason;
};
const Stranger kStrangers[] = {
    {"a segment of another partition",
     [](const Fixture& fx, uint64_t first) {
       return wal::EncodeSegmentHeader({wal::kFormatVersion, 7, 4, first}) +
              test::ReadFile(fx.files[3]).substr(wal::kSegmentHeaderSize);
     },
     DamageKind::kForeignSegment, "segment of table 7 partition 4, but this log is table 7 partition 3"},
    {"an empty file", [](const Fixture&, uint64_t) { return std::string(); }, DamageKind::kBadSegmentHeader,
     "empty file (a segment the writer never finished creating?)"},
    {"garbage", [](const Fixture&, uint64_t) { return kGarbage; }, DamageKind::kBadSegmentHeader,
     "not a WAL segment (bad magic)"},
};
}  // namespace

TEST_CASE("a file among the segments that is not one of them is skipped whole", "[wal][damage]") {
  const Stranger& stranger = kStrangers[GENERATE(range(size_t{0}, std::size(kStrangers)))];
  INFO(stranger.what);
  Fixture fx;
  const uint64_t first = fx.first_in(3) + 1;
  const std::string bytes = stranger.bytes(fx, first);
  const std::string path = fx.SegmentPath(first);
  test::WriteFile(path, bytes);
  wal::Damage want = Want(stranger.kind, path, 0, bytes.size(), stranger.reason);
  SetOffsets(&want, fx.last_in(3), 0);
  CheckOnlyDamage(fx.dir, want, AllOffsets());
  CheckTailIgnoresEarlierDamage(fx.dir);
}

TEST_CASE("an empty segment file after the last one is a torn tail", "[wal][damage][tail]") {
  Fixture fx;
  const std::string path = fx.SegmentPath(kRecords + 1);
  test::WriteFile(path, "");
  wal::Damage want = Want(DamageKind::kTornTail, path, 0, 0,
                          "empty file (a segment the writer never finished creating?)");
  SetOffsets(&want, kRecords, 0);
  CheckOnlyDamage(fx.dir, want, AllOffsets(), wal::ReadEnd::kTornTail);
  CHECK(wal::ReadLogInMode(fx.dir, wal::ReadMode::kTolerateTornTail, {}, [](auto&) { return true; }).ok());

  // FindTail agrees with the reader: the log ends at its last record, and the
  // unfinished file is named so that a writer can set it aside.
  auto tail = wal::FindTail(fx.dir);
  REQUIRE(tail.ok());
  CHECK(tail->last_offset == kRecords);
  CHECK(tail->last_file == fx.files.back());
  CHECK(tail->torn_bytes == 0);
  CHECK(tail->unfinished_segment == path);
}

TEST_CASE("a file of garbage after the last segment is damage, not a torn tail", "[wal][damage][tail]") {
  Fixture fx;
  const std::string path = fx.SegmentPath(kRecords + 1);
  test::WriteFile(path, kGarbage);
  wal::Damage want = Want(DamageKind::kBadSegmentHeader, path, 0, kGarbage.size(), "not a WAL segment (bad magic)");
  SetOffsets(&want, kRecords, 0);
  CheckOnlyDamage(fx.dir, want, AllOffsets());
  CheckTailRefused(fx.dir);
}

TEST_CASE("a segment whose name disagrees with its header is skipped and its offsets reported lost",
          "[wal][damage]") {
  Fixture fx;
  const uint64_t from = fx.first_in(3), to = fx.last_in(3);
  const uint64_t size = *FileSize(fx.files[3]);
  const std::string renamed = fx.SegmentPath(from + 1);
  std::filesystem::rename(fx.files[3], renamed);
  auto c = test::ReadAll(fx.dir);
  REQUIRE(c.damages.size() == 2);
  wal::Damage bad = Want(DamageKind::kBadSegmentHeader, renamed, 0, size,
                         "file name says first offset " + std::to_string(from + 1) + " but the header says " +
                             std::to_string(from) + " (renamed file?)");
  SetOffsets(&bad, from - 1, 0);
  CheckReport(c.damages[0], bad);
  wal::Damage hole = Want(DamageKind::kMissingSegment, "", 0, 0,
                          "no segment holds offsets " + std::to_string(from) + ".." + std::to_string(to) +
                              " (next file: " + fx.files[4] + ")");
  SetOffsets(&hole, from - 1, to + 1, from, to);
  CheckReport(c.damages[1], hole);
  CHECK(c.offsets == OffsetsExcept(from, to));
  CheckTailIgnoresEarlierDamage(fx.dir);
}

// --- The three read policies -------------------------------------------------

namespace {
struct ModeRead {
  Result<wal::ReadSummary> summary;
  std::vector<uint64_t> offsets;
};
ModeRead ReadInMode(const std::string& dir, wal::ReadMode mode) {
  std::vector<uint64_t> offsets;
  auto sum = wal::ReadLogInMode(dir, mode, {}, [&](const wal::RecordView& r) {
    offsets.push_back(r.offset);
    return true;
  });
  return {std::move(sum), std::move(offsets)};
}
}  // namespace

TEST_CASE("strict mode stops at the first damage and names it", "[wal][damage][mode]") {
  Fixture fx;
  const Placed& hit = fx.rec(fx.first_in(1) + 2);
  test::FlipBit(hit.file, hit.pos + wal::kRecordHeaderSize, 0);
  std::filesystem::remove(fx.files[4]);  // a second damage further on, never reached
  const auto salvaged = test::ReadAll(fx.dir);
  REQUIRE(salvaged.damages.size() == 2);

  ModeRead strict = ReadInMode(fx.dir, wal::ReadMode::kStrict);
  REQUIRE_FALSE(strict.summary.ok());
  CHECK(strict.summary.status().IsCorruption());
  CHECK(strict.summary.status().message() == salvaged.damages[0].Describe() + " (reading in strict mode)");
  CHECK(strict.offsets == AllOffsets(hit.offset - 1));
}

TEST_CASE("strict mode refuses a torn tail that tolerate-torn-tail mode accepts", "[wal][damage][mode]") {
  Fixture fx;
  test::AppendBytes(fx.files.back(), kGarbage);
  ModeRead strict = ReadInMode(fx.dir, wal::ReadMode::kStrict);
  REQUIRE_FALSE(strict.summary.ok());
  CHECK(strict.summary.status().message().rfind("torn-tail in " + fx.files.back(), 0) == 0);
  CHECK(strict.offsets == AllOffsets());

  ModeRead tolerant = ReadInMode(fx.dir, wal::ReadMode::kTolerateTornTail);
  REQUIRE(tolerant.summary.ok());
  CHECK(tolerant.summary->end == wal::ReadEnd::kTornTail);
  CHECK(tolerant.summary->skipped_bytes == kGarbage.size());
  CHECK(tolerant.offsets == AllOffsets());
}

TEST_CASE("tolerate-torn-tail mode refuses damage in the middle of the log", "[wal][damage][mode]") {
  Fixture fx;
  const uint64_t lost = fx.last_in(1);
  test::TruncateFile(fx.files[1], fx.rec(lost).pos + 3);
  ModeRead tolerant = ReadInMode(fx.dir, wal::ReadMode::kTolerateTornTail);
  REQUIRE_FALSE(tolerant.summary.ok());
  CHECK(tolerant.summary.status().message().rfind("corrupt-records in " + fx.files[1], 0) == 0);
  CHECK(tolerant.offsets == AllOffsets(lost - 1));
}

TEST_CASE("salvage mode reads past every damage and reports each one", "[wal][damage][mode]") {
  Fixture fx;
  const Placed& hit = fx.rec(fx.first_in(1) + 2);
  test::FlipBit(hit.file, hit.pos + wal::kRecordHeaderSize, 0);
  const uint64_t hole_from = fx.first_in(4), hole_to = fx.last_in(4);
  std::filesystem::remove(fx.files[4]);
  test::AppendBytes(fx.files.back(), kGarbage);

  ModeRead salvage = ReadInMode(fx.dir, wal::ReadMode::kSalvage);
  REQUIRE(salvage.summary.ok());
  CHECK(salvage.summary->end == wal::ReadEnd::kDamaged);
  CHECK(salvage.summary->damages == 3);
  std::vector<uint64_t> want;
  for (uint64_t o : OffsetsExcept(hole_from, hole_to)) {
    if (o != hit.offset) want.push_back(o);
  }
  CHECK(salvage.offsets == want);
  const auto c = test::ReadAll(fx.dir);
  REQUIRE(c.damages.size() == 3);
  CHECK(c.damages[0].kind == DamageKind::kCorruptRecords);
  CHECK(c.damages[1].kind == DamageKind::kMissingSegment);
  CHECK(c.damages[2].kind == DamageKind::kTornTail);
}

// --- FindTail at the edges of a segment --------------------------------------

TEST_CASE("FindTail walks back over a last segment that holds only its header", "[wal][tail]") {
  Fixture fx;
  const std::string fresh = fx.SegmentPath(kRecords + 1);  // rolled, then the writer stopped
  test::WriteFile(fresh, wal::EncodeSegmentHeader({wal::kFormatVersion, 7, 3, kRecords + 1}));
  auto tail = wal::FindTail(fx.dir);
  REQUIRE(tail.ok());
  CHECK(tail->last_offset == kRecords);
  CHECK(tail->last_file == fx.files.back());
  CHECK(tail->torn_bytes == 0);

  auto w = wal::Writer::Open(fx.dir, {.tid = 7, .pid = 3, .segment_bytes = 1024});
  REQUIRE(w.ok());
  std::vector<wal::Record> rs{wal::Record::Put(kLastTerm, "k", "v")};
  REQUIRE((*w)->AppendAssigning(&rs).ok());
  CHECK(rs[0].offset == kRecords + 1);
  w->reset();
  auto c = test::ReadAll(fx.dir);
  CHECK(c.damages.empty());
  CHECK(c.offsets == AllOffsets(kRecords + 1));
}

TEST_CASE("FindTail refuses damage at the end of the segment before an empty last segment",
          "[wal][tail][regression]") {
  Fixture fx;
  // The last record of a segment that was fsynced before the roll is damaged:
  // corruption, not a torn tail. Taking the record before it as the end would let
  // a writer reuse offset 100 in a segment that says it starts at 101.
  test::WriteFile(fx.SegmentPath(kRecords + 1), wal::EncodeSegmentHeader({wal::kFormatVersion, 7, 3, kRecords + 1}));
  const Placed& last = fx.rec(kRecords);
  test::FlipBit(last.file, last.pos + wal::kRecordHeaderSize + 1);
  CheckTailRefused(fx.dir);
  auto w = wal::Writer::Open(fx.dir, {.tid = 7, .pid = 3, .torn_tail_quarantine_root = fx.tmp / "q"});
  REQUIRE_FALSE(w.ok());
  CHECK(w.status().IsCorruption());
}

TEST_CASE("FindTail refuses an empty last segment that does not continue the log", "[wal][tail][regression]") {
  Fixture fx;
  test::WriteFile(fx.SegmentPath(kRecords + 5), wal::EncodeSegmentHeader({wal::kFormatVersion, 7, 3, kRecords + 5}));
  CheckTailRefused(fx.dir);
}

TEST_CASE("a torn first record of the last segment is cut and the writer goes on in that segment",
          "[wal][tail]") {
  Fixture fx;
  const std::string fresh = fx.SegmentPath(kRecords + 1);
  std::string torn = wal::EncodeSegmentHeader({wal::kFormatVersion, 7, 3, kRecords + 1});
  torn += test::ReadFile(fx.files.back()).substr(fx.rec(kRecords).pos, 30);  // a header cut short
  test::WriteFile(fresh, torn);
  auto tail = wal::FindTail(fx.dir);
  REQUIRE(tail.ok());
  CHECK(tail->last_offset == kRecords);
  CHECK(tail->torn_bytes == 30);

  auto w = wal::Writer::Open(fx.dir, {.tid = 7, .pid = 3, .torn_tail_quarantine_root = fx.tmp / "q"});
  REQUIRE(w.ok());
  CHECK_FALSE((*w)->torn_tail_quarantine().empty());
  std::vector<wal::Record> rs{wal::Record::Put(kLastTerm, "k", "v")};
  REQUIRE((*w)->AppendAssigning(&rs).ok());
  CHECK(rs[0].offset == kRecords + 1);
  w->reset();
  CHECK(test::ReadAll(fx.dir).offsets == AllOffsets(kRecords + 1));
  CHECK(*FileSize(fresh) == wal::kSegmentHeaderSize + wal::kRecordOverhead + rs[0].payload.size());
}

TEST_CASE("a writer sets an unfinished last segment file aside and continues the log", "[wal][tail]") {
  Fixture fx;
  const std::string empty = fx.SegmentPath(kRecords + 1);
  test::WriteFile(empty, "");
  auto refused = wal::Writer::Open(fx.dir, {.tid = 7, .pid = 3});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().IsFailedPrecondition());

  auto w = wal::Writer::Open(fx.dir, {.tid = 7, .pid = 3, .torn_tail_quarantine_root = fx.tmp / "q"});
  REQUIRE(w.ok());
  CHECK_FALSE(PathExists(empty));
  CHECK(PathExists((*w)->torn_tail_quarantine() + "/" + wal::SegmentFileName(kRecords + 1)));
  std::vector<wal::Record> rs{wal::Record::Put(kLastTerm, "k", "v")};
  REQUIRE((*w)->AppendAssigning(&rs).ok());
  CHECK(rs[0].offset == kRecords + 1);
  w->reset();
  auto c = test::ReadAll(fx.dir);
  CHECK(c.damages.empty());
  CHECK(c.offsets == AllOffsets(kRecords + 1));
}

TEST_CASE("a writer for another partition changes nothing in a log with a torn tail", "[wal][tail][regression]") {
  Fixture fx;
  test::AppendBytes(fx.files.back(), kGarbage);
  const std::string before = test::FingerprintTree(fx.dir);
  auto w = wal::Writer::Open(fx.dir, {.tid = 7, .pid = 4, .torn_tail_quarantine_root = fx.tmp / "q"});
  REQUIRE_FALSE(w.ok());
  CHECK(w.status().IsFailedPrecondition());
  CHECK(test::FingerprintTree(fx.dir) == before);
  CHECK_FALSE(PathExists(fx.tmp / "q"));
}

// --- TruncateAfter ------------------------------------------------------------

namespace {
// Cuts fx's log after keep and checks everything the cut promises (invariant 2).
// torn_bytes: garbage at the end of the log, which the cut takes along.
void CheckTruncation(Fixture& fx, uint64_t keep, uint64_t torn_bytes = 0) {
  auto r = wal::TruncateAfter(fx.dir, keep, fx.tmp / "quarantine", "wal_damage_test");
  REQUIRE(r.ok());
  CHECK(r->changed);
  CHECK(r->records_cut == kRecords - keep);
  CHECK(r->first_cut_offset == keep + 1);
  CHECK(r->last_cut_offset == kRecords);

  // What was cut is a readable log of its own.
  auto cut = test::ReadAll(r->quarantine_dir);
  CHECK(cut.offsets == OffsetsExcept(1, keep));
  CHECK(cut.summary.skipped_bytes == torn_bytes);
  CHECK(cut.summary.end == (torn_bytes == 0 ? wal::ReadEnd::kCleanEnd : wal::ReadEnd::kTornTail));
  CHECK(PathExists(r->quarantine_dir + "/manifest.json"));

  // What stays reads clean and ends at keep; a writer goes on from keep + 1.
  auto kept = test::ReadAll(fx.dir);
  CHECK(kept.damages.empty());
  CHECK(kept.offsets == AllOffsets(keep));
  auto w = wal::Writer::Open(fx.dir, {.tid = 7, .pid = 3, .segment_bytes = 1024});
  REQUIRE(w.ok());
  CHECK((*w)->last_offset() == keep);
  std::vector<wal::Record> rs{wal::Record::Put(kLastTerm + 1, "after", "truncate")};
  REQUIRE((*w)->AppendAssigning(&rs).ok());
  CHECK(rs[0].offset == keep + 1);
  w->reset();
  auto again = test::ReadAll(fx.dir);
  CHECK(again.damages.empty());
  CHECK(again.offsets == AllOffsets(keep + 1));
}
}  // namespace

TEST_CASE("TruncateAfter in the middle of a segment keeps the cut records readable", "[wal][truncate]") {
  Fixture fx;
  CheckTruncation(fx, fx.first_in(3) + 4);
}

TEST_CASE("TruncateAfter at the end of a segment moves the later segments whole", "[wal][truncate]") {
  Fixture fx;
  CheckTruncation(fx, fx.last_in(3));
}

TEST_CASE("TruncateAfter 0 keeps nothing", "[wal][truncate]") {
  Fixture fx;
  CheckTruncation(fx, 0);
}

TEST_CASE("TruncateAfter takes a torn tail with the records it cuts", "[wal][truncate]") {
  Fixture fx;
  test::AppendBytes(fx.files.back(), kGarbage);
  CheckTruncation(fx, 60, kGarbage.size());
}

TEST_CASE("TruncateAfter refuses while a writer holds the log", "[wal][truncate]") {
  Fixture fx;
  auto w = wal::Writer::Open(fx.dir, {.tid = 7, .pid = 3, .segment_bytes = 1024});
  REQUIRE(w.ok());
  auto r = wal::TruncateAfter(fx.dir, 50, fx.tmp / "quarantine", "wal_damage_test");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().IsBusy());
}

TEST_CASE("TruncateAfter refuses an offset the log does not hold intact", "[wal][truncate]") {
  Fixture fx;
  const Placed& hit = fx.rec(50);
  test::FlipBit(hit.file, hit.pos + 3);
  const std::string before = test::FingerprintTree(fx.dir);
  auto damaged = wal::TruncateAfter(fx.dir, 50, fx.tmp / "quarantine", "wal_damage_test");
  REQUIRE_FALSE(damaged.ok());
  CHECK(damaged.status().IsCorruption());
  auto beyond = wal::TruncateAfter(fx.dir, kRecords + 1, fx.tmp / "quarantine", "wal_damage_test");
  REQUIRE_FALSE(beyond.ok());
  CHECK(beyond.status().IsInvalidArgument());
  CHECK(test::FingerprintTree(fx.dir) == before);
}
