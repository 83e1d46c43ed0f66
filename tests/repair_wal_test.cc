// `repair wal truncate-tail` and `repair wal salvage` (invariant 8: repair never
// deletes, dry-runs unless applied, and refuses while the log is in use).
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/crc32c.h"
#include "common/file.h"
#include "repair/lock_check.h"
#include "repair/wal_repair.h"
#include "tests/test_util.h"
#include "tests/wal_test_util.h"
#include "wal/reader.h"
#include "wal/segment.h"
#include "wal/writer.h"

using namespace kv;
namespace fs = std::filesystem;

namespace {

const test::TestLogOptions kLog{.records = 100, .segment_bytes = 2048};  // about 27 records a segment
const wal::WriterOptions kWriter{.tid = 7, .pid = 3, .segment_bytes = 2048};

struct Location {
  std::string file;
  uint64_t pos = 0, length = 0;
};

// Where every record sits, and what every put holds, as a salvage-mode read sees them.
struct Contents {
  std::map<uint64_t, std::string> values;
  std::map<uint64_t, Location> where;
  std::vector<wal::Damage> damages;
  wal::ReadSummary summary;
};

class ContentsHandler : public wal::ReadHandler {
 public:
  bool OnRecord(const wal::RecordView& r, const wal::RecordLocation& at) override {
    c.where[r.offset] = {*at.file, at.file_pos, at.length};
    REQUIRE(wal::ForEachOp(r, [&](const wal::Op& op) { c.values[r.offset] = std::string(op.value); }).ok());
    return true;
  }
  bool OnDamage(const wal::Damage& d) override {
    c.damages.push_back(d);
    return true;
  }
  Contents c;
};

Contents ReadContents(const std::string& dir) {
  ContentsHandler h;
  auto sum = wal::ReadLog(dir, {}, &h);
  REQUIRE(sum.ok());
  h.c.summary = *sum;
  return h.c;
}

// The values WriteTestLog wrote at these offsets.
std::map<uint64_t, std::string> Written(const std::vector<uint64_t>& offsets) {
  std::map<uint64_t, std::string> out;
  for (uint64_t o : offsets) out[o] = test::TestValue(o, kLog.value_size);
  return out;
}

std::vector<uint64_t> OffsetsExcept(uint64_t first, uint64_t last,
                                    const std::vector<std::pair<uint64_t, uint64_t>>& gone) {
  std::vector<uint64_t> out;
  for (uint64_t o = first; o <= last; ++o) {
    bool lost = false;
    for (auto [from, to] : gone) lost = lost || (o >= from && o <= to);
    if (!lost) out.push_back(o);
  }
  return out;
}

// A log of 100 records in 2 KiB segments, with the content of every file kept
// so the test can look for each in the quarantine afterwards.
struct LogFixture {
  test::TempDir tmp;
  std::string dir;
  std::vector<std::string> segments;
  std::map<std::string, std::string> originals;  // absolute path -> bytes, filled by Snapshot
  Contents before;

  explicit LogFixture(const std::string& sub = "wal") : dir(tmp / sub) {
    segments = test::WriteTestLog(dir, kLog);
    REQUIRE(segments.size() >= 3);
    before = ReadContents(dir);
  }
  void Snapshot() {
    const auto files = wal::ListSegmentFiles(dir);
    for (const std::string& f : files.value()) {
      originals[fs::absolute(f).string()] = test::ReadFile(f);
    }
  }
  uint64_t FirstOffsetOf(size_t segment) const {
    return *wal::ParseSegmentFileName(fs::path(segments[segment]).filename().string());
  }
};

std::vector<std::string> QuarantineFolders(const std::string& root) {
  std::vector<std::string> out;
  if (!IsDirectory(root)) return out;
  const auto names = ListDir(root);
  for (const std::string& n : names.value()) out.push_back(root + "/" + n);
  return out;
}

nlohmann::json Manifest(const std::string& qdir) {
  return nlohmann::json::parse(test::ReadFile(qdir + "/manifest.json"));
}

// Every original file is stored whole in some quarantine folder, with a manifest item saying so.
void RequireAllInQuarantine(const std::map<std::string, std::string>& originals, const std::string& root) {
  for (const auto& [path, bytes] : originals) {
    INFO(path);
    bool found = false;
    for (const std::string& q : QuarantineFolders(root)) {
      const nlohmann::json manifest = Manifest(q);
      for (const auto& item : manifest["items"]) {
        if (item["original"] != path) continue;
        found = true;
        CHECK(item["action"] == "moved");
        CHECK(item["bytes"] == bytes.size());
        CHECK(item["crc32c"] == crc32c::Value(bytes));
        CHECK(test::ReadFile(q + "/" + item["stored"].get<std::string>()) == bytes);
      }
    }
    CHECK(found);
  }
}

// A new writer takes the repaired log and appends right after its last record.
void RequireWriterAppends(const std::string& dir) {
  uint64_t last = ReadContents(dir).summary.last_offset;
  {
    auto w = wal::Writer::Open(dir, kWriter);
    REQUIRE(w.ok());
    CHECK((*w)->last_offset() == last);
    std::vector<wal::Record> rs{wal::Record::Put(10, "after-repair", "v")};
    REQUIRE((*w)->AppendAssigning(&rs).ok());
    CHECK(rs[0].offset == last + 1);
  }
  auto after = ReadContents(dir);
  CHECK(after.summary.last_offset == last + 1);
  CHECK(after.values[last + 1] == "v");
}

repair::WalRepairOptions Apply() { return {.apply = true, .command = "repair_wal_test"}; }

// Dry runs, as plans.
Result<repair::TailPlan> PlanTail(const std::string& dir) {
  auto r = repair::TruncateTail(dir, {});
  if (!r.ok()) return r.status();
  return r->plan;
}
Result<repair::SalvagePlan> PlanSalvage(const std::string& dir) {
  auto r = repair::Salvage(dir, {});
  if (!r.ok()) return r.status();
  return r->plan;
}

std::vector<std::pair<uint64_t, uint64_t>> Pairs(const std::vector<repair::OffsetRange>& ranges) {
  std::vector<std::pair<uint64_t, uint64_t>> out;
  for (const auto& r : ranges) out.emplace_back(r.from, r.to);
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------
// truncate-tail

TEST_CASE("truncate-tail cuts exactly a torn tail into quarantine (invariant 8)", "[repair][wal]") {
  LogFixture log;
  const std::string last = log.segments.back();
  const std::string intact = test::ReadFile(last);
  std::string torn;  // what the damage adds after the last valid record
  uint64_t last_kept = 100;
  SECTION("garbage appended") {
    torn = "\x13\x37garbage written by nobody knows what\xff\xfe";
    test::AppendBytes(last, torn);
  }
  SECTION("last record cut mid-way") {
    const Location& rec = log.before.where.at(100);
    test::TruncateFile(last, rec.pos + rec.length - 9);
    torn = intact.substr(rec.pos, rec.length - 9);
    last_kept = 99;
  }
  SECTION("zero-filled tail") {
    torn = std::string(700, '\0');
    test::AppendBytes(last, torn);
  }
  const uint64_t keep = test::ReadFile(last).size() - torn.size();
  const std::string fingerprint = test::FingerprintTree(log.dir);

  auto plan = PlanTail(log.dir);
  REQUIRE(plan.ok());
  CHECK(test::FingerprintTree(log.dir) == fingerprint);  // a dry run changes nothing
  REQUIRE(plan->verdict == repair::TailVerdict::kTornTail);
  REQUIRE(plan->cuts.size() == 1);
  CHECK(plan->cuts[0].file == last);
  CHECK(plan->cuts[0].keep_bytes == keep);
  CHECK_FALSE(plan->cuts[0].whole_file);
  CHECK(plan->last_offset == last_kept);

  auto applied = repair::TruncateTail(log.dir, Apply());
  REQUIRE(applied.ok());
  REQUIRE(applied->plan.verdict == repair::TailVerdict::kTornTail);
  auto after = ReadContents(log.dir);
  CHECK(after.summary.end == wal::ReadEnd::kCleanEnd);
  CHECK(after.damages.empty());
  CHECK(after.summary.last_offset == last_kept);
  CHECK(test::ReadFile(last) == intact.substr(0, keep));

  const std::string stored =
      applied->quarantine_dir + "/" + fs::path(last).filename().string() + ".torn-tail";
  CHECK(test::ReadFile(stored) == torn);
  auto items = Manifest(applied->quarantine_dir)["items"];
  REQUIRE(items.size() == 1);
  CHECK(items[0]["action"] == "cut");
  CHECK(items[0]["original"] == fs::absolute(last).string());
  CHECK(items[0]["bytes"] == torn.size());
  RequireWriterAppends(log.dir);
}

TEST_CASE("truncate-tail moves an unfinished last segment file into quarantine whole", "[repair][wal]") {
  LogFixture log;
  const std::string unfinished = log.dir + "/" + wal::SegmentFileName(101);
  const std::string content = GENERATE(std::string(), std::string(4096, '\0'));
  test::WriteFile(unfinished, content);

  auto applied = repair::TruncateTail(log.dir, Apply());
  REQUIRE(applied.ok());
  REQUIRE(applied->plan.cuts.size() == 1);
  CHECK(applied->plan.cuts[0].whole_file);
  CHECK_FALSE(PathExists(unfinished));
  CHECK(test::ReadFile(applied->quarantine_dir + "/" + wal::SegmentFileName(101)) == content);
  auto after = ReadContents(log.dir);
  CHECK(after.summary.end == wal::ReadEnd::kCleanEnd);
  CHECK(after.summary.last_offset == 100);
  RequireWriterAppends(log.dir);
}

TEST_CASE("truncate-tail cuts a torn tail past a gap and leaves the gap as it is", "[repair][wal]") {
  LogFixture log;
  fs::rename(log.segments[1], log.tmp / "gone.log");
  test::AppendBytes(log.segments.back(), "torn");
  const std::vector<std::pair<uint64_t, uint64_t>> gap{{log.FirstOffsetOf(1), log.FirstOffsetOf(2) - 1}};

  auto applied = repair::TruncateTail(log.dir, Apply());
  REQUIRE(applied.ok());
  CHECK(applied->plan.verdict == repair::TailVerdict::kTornTail);
  CHECK(Pairs(applied->plan.gaps) == gap);
  auto after = ReadContents(log.dir);
  REQUIRE(after.damages.size() == 1);
  CHECK(after.damages[0].kind == wal::DamageKind::kMissingSegment);
  CHECK(after.values == Written(OffsetsExcept(1, 100, gap)));
  RequireWriterAppends(log.dir);
}

TEST_CASE("truncate-tail has nothing to do on a clean log", "[repair][wal]") {
  LogFixture log;
  const std::string fingerprint = test::FingerprintTree(log.dir);
  auto applied = repair::TruncateTail(log.dir, Apply());
  REQUIRE(applied.ok());
  CHECK(applied->plan.verdict == repair::TailVerdict::kClean);
  CHECK(applied->quarantine_dir.empty());
  CHECK(test::FingerprintTree(log.dir) == fingerprint);
}

TEST_CASE("truncate-tail refuses damage in the middle of the log and touches nothing", "[repair][wal]") {
  LogFixture log;
  const Location& rec = log.before.where.at(50);
  test::FlipBit(rec.file, rec.pos + rec.length - 10);
  test::AppendBytes(log.segments.back(), "torn");  // a torn tail too: still refused as a whole
  const std::string fingerprint = test::FingerprintTree(log.dir);

  auto plan = PlanTail(log.dir);
  REQUIRE(plan.ok());
  CHECK(plan->verdict == repair::TailVerdict::kRefused);
  CHECK_THAT(plan->refusal, Catch::Contains("repair wal salvage") && Catch::Contains("inspect wal --verify"));
  auto applied = repair::TruncateTail(log.dir, Apply());
  REQUIRE(applied.ok());
  CHECK(applied->plan.verdict == repair::TailVerdict::kRefused);
  CHECK(applied->quarantine_dir.empty());
  CHECK(test::FingerprintTree(log.dir) == fingerprint);
}

// ---------------------------------------------------------------------------
// salvage

namespace {

// Dry run, then apply; checks what every salvage must give.
repair::SalvageResult SalvageAndCheck(LogFixture& log, const std::vector<uint64_t>& kept) {
  log.Snapshot();
  const std::string fingerprint = test::FingerprintTree(log.dir);
  auto plan = PlanSalvage(log.dir);
  REQUIRE(plan.ok());
  CHECK(test::FingerprintTree(log.dir) == fingerprint);
  REQUIRE(plan->verdict == repair::SalvageVerdict::kSalvage);
  CHECK(plan->records_kept == kept.size());

  auto result = repair::Salvage(log.dir, Apply());
  REQUIRE(result.ok());
  REQUIRE(result->plan.verdict == repair::SalvageVerdict::kSalvage);
  CHECK(Pairs(result->plan.lost) == Pairs(plan->lost));  // the plan shown is the plan applied

  auto after = ReadContents(log.dir);
  CHECK(after.values == Written(kept));  // exactly the intact records, nothing else
  for (const wal::Damage& d : after.damages) {
    INFO(d.Describe());
    CHECK(d.kind == wal::DamageKind::kMissingSegment);  // a gap is honest: those offsets are lost
  }
  RequireAllInQuarantine(log.originals, log.dir + "/quarantine");
  const auto files = wal::ListSegmentFiles(log.dir);
  for (const std::string& f : files.value()) {
    CHECK(FileSize(f).value() <= result->plan.segment_bytes);
  }
  RequireWriterAppends(log.dir);
  return std::move(result).value();
}

}  // namespace

TEST_CASE("salvage keeps exactly the intact records around damaged ones", "[repair][wal]") {
  LogFixture log;
  std::vector<std::pair<uint64_t, uint64_t>> lost;
  SECTION("bit flip in a payload") {
    const Location& rec = log.before.where.at(50);
    test::FlipBit(rec.file, rec.pos + rec.length - 10);
    lost = {{50, 50}};
  }
  SECTION("bit flip in a record header") {
    const Location& rec = log.before.where.at(50);
    test::FlipBit(rec.file, rec.pos + 9);  // inside the offset field
    lost = {{50, 50}};
  }
  SECTION("zeroed range across records") {
    const Location& from = log.before.where.at(30);
    const Location& to = log.before.where.at(33);
    REQUIRE(from.file == to.file);
    test::ZeroRange(from.file, from.pos + 5, to.pos + 7 - from.pos - 5);
    lost = {{30, 33}};
  }
  SECTION("bad header of the first segment") {
    test::FlipBit(log.segments[0], 20);
    lost = {{1, log.FirstOffsetOf(1) - 1}};
  }
  SECTION("missing middle segment, and a bit flip elsewhere") {
    fs::rename(log.segments[1], log.tmp / "gone.log");
    const Location& rec = log.before.where.at(95);
    test::FlipBit(rec.file, rec.pos + rec.length - 10);
    lost = {{log.FirstOffsetOf(1), log.FirstOffsetOf(2) - 1}, {95, 95}};
  }
  auto result = SalvageAndCheck(log, OffsetsExcept(1, 100, lost));
  CHECK(Pairs(result.plan.lost) == lost);
}

TEST_CASE("salvage drops the second copy of overlapping segments", "[repair][wal]") {
  LogFixture log;
  // The same records cut into other segments: one of them overlaps two of ours.
  test::TempDir other;
  auto copies = test::WriteTestLog(other.path(), {.records = 100, .segment_bytes = 1500});
  std::string copy;
  for (const std::string& c : copies) {
    if (!PathExists(log.dir + "/" + fs::path(c).filename().string()) && c != copies.front()) copy = c;
  }
  REQUIRE_FALSE(copy.empty());
  fs::copy_file(copy, log.dir + "/" + fs::path(copy).filename().string());

  auto result = SalvageAndCheck(log, OffsetsExcept(1, 100, {}));
  CHECK(result.plan.lost.empty());
  CHECK(result.plan.duplicate_bytes > 0);
}

TEST_CASE("salvage moves foreign and garbage segment files out untouched", "[repair][wal]") {
  LogFixture log;
  std::string role;
  std::string stray;
  SECTION("a segment of another partition") {
    test::TempDir other;
    auto w = wal::Writer::Open(other.path(), {.tid = 9, .pid = 1, .first_offset = 500});
    REQUIRE(w.ok());
    std::vector<wal::Record> rs{wal::Record::Put(1, "k", "v"), wal::Record::Put(1, "k2", "v2")};
    REQUIRE((*w)->AppendAssigning(&rs).ok());
    stray = log.dir + "/" + wal::SegmentFileName(500);
    fs::copy_file(other / wal::SegmentFileName(500), stray);
    role = "foreign";
  }
  SECTION("garbage named like a segment, in the middle of the log") {
    stray = log.dir + "/" + wal::SegmentFileName(log.FirstOffsetOf(1) - 3);
    test::WriteFile(stray, std::string(300, 'x'));
    role = "unreadable";
  }
  auto result = SalvageAndCheck(log, OffsetsExcept(1, 100, {}));
  CHECK(result.plan.lost.empty());
  bool listed = false;
  for (const auto& in : result.plan.inputs) {
    if (in.file == stray) listed = in.role == role && in.records_kept == 0;
  }
  CHECK(listed);
}

TEST_CASE("salvage reports an open-ended loss when unreadable bytes end the log", "[repair][wal]") {
  LogFixture log;
  test::WriteFile(log.dir + "/" + wal::SegmentFileName(150), std::string(300, 'x'));
  auto plan = PlanSalvage(log.dir);
  REQUIRE(plan.ok());
  REQUIRE(plan->verdict == repair::SalvageVerdict::kSalvage);
  REQUIRE(plan->lost.size() == 1);
  CHECK(plan->lost[0].from == 101);
  CHECK(plan->lost[0].to == 0);
  CHECK(repair::DescribeRange(plan->lost[0]) == "101..?");
}

TEST_CASE("salvage writes the lost ranges into its journal beside the manifest", "[repair][wal]") {
  LogFixture log;
  const Location& rec = log.before.where.at(20);
  test::FlipBit(rec.file, rec.pos + rec.length - 10);
  repair::WalRepairOptions options = Apply();
  options.quarantine_root = log.tmp / "elsewhere";
  auto result = repair::Salvage(log.dir, options);
  REQUIRE(result.ok());
  CHECK_THAT(result->quarantine_dir, Catch::StartsWith(options.quarantine_root + "/"));
  CHECK_FALSE(PathExists(log.dir + "/quarantine"));
  auto journal = nlohmann::json::parse(test::ReadFile(result->quarantine_dir + "/salvage-plan.json"));
  CHECK(journal["lost_ranges"] == nlohmann::json::parse(R"([{"from":20,"to":20}])"));
  CHECK(journal["tid"] == 7);
  CHECK(journal["pid"] == 3);
  CHECK_FALSE(PathExists(result->quarantine_dir + "/staging"));  // emptied and removed once finished
}

TEST_CASE("salvage has nothing to do on a clean log, or one whose only damage is a gap", "[repair][wal]") {
  LogFixture log;
  std::vector<std::pair<uint64_t, uint64_t>> lost;
  SECTION("clean") {}
  SECTION("missing middle segment") {
    fs::rename(log.segments[1], log.tmp / "gone.log");
    lost = {{log.FirstOffsetOf(1), log.FirstOffsetOf(2) - 1}};
  }
  const std::string fingerprint = test::FingerprintTree(log.dir);
  auto result = repair::Salvage(log.dir, Apply());
  REQUIRE(result.ok());
  CHECK(result->plan.verdict == repair::SalvageVerdict::kNothingToDo);
  CHECK(Pairs(result->plan.lost) == lost);
  CHECK(test::FingerprintTree(log.dir) == fingerprint);
  CHECK(ReadContents(log.dir).values == Written(OffsetsExcept(1, 100, lost)));
}

TEST_CASE("salvage refuses a log with no intact record", "[repair][wal]") {
  test::TempDir tmp;
  test::WriteFile(tmp / wal::SegmentFileName(1), std::string(500, 'x'));
  test::WriteFile(tmp / wal::SegmentFileName(90), std::string(500, 'y'));
  test::WriteFile(tmp / "LOCK", "");  // as a writer would have left it; applying takes it
  const std::string fingerprint = test::FingerprintTree(tmp.path());
  auto result = repair::Salvage(tmp.path(), Apply());
  REQUIRE(result.ok());
  CHECK(result->plan.verdict == repair::SalvageVerdict::kRefused);
  CHECK(test::FingerprintTree(tmp.path()) == fingerprint);
}

TEST_CASE("a rerun finishes a salvage that stopped midway", "[repair][wal]") {
  LogFixture log;
  const Location& rec = log.before.where.at(60);
  test::FlipBit(rec.file, rec.pos + rec.length - 10);
  log.Snapshot();
  auto done = repair::Salvage(log.dir, Apply());
  REQUIRE(done.ok());
  const std::string q = done->quarantine_dir;
  const std::string staging = q + "/staging";
  // Put the folders back as a crash would have left them.
  fs::create_directory(staging);
  const auto& outputs = done->plan.outputs;
  REQUIRE(outputs.size() >= 2);
  SECTION("while moving the originals out") {
    for (const auto& out : outputs) fs::rename(log.dir + "/" + out.name, staging + "/" + out.name);
    // Only the first original had moved, so the manifest lists only it.
    for (size_t i = 1; i < done->plan.inputs.size(); ++i) {
      const std::string name = fs::path(done->plan.inputs[i].file).filename().string();
      fs::rename(q + "/" + name, log.dir + "/" + name);
    }
    nlohmann::json manifest = Manifest(q);
    manifest["items"] = nlohmann::json::array({manifest["items"][0]});
    test::WriteFile(q + "/manifest.json", manifest.dump(2));
  }
  SECTION("while moving the new segments in") {
    for (size_t i = 1; i < outputs.size(); ++i) {
      fs::rename(log.dir + "/" + outputs[i].name, staging + "/" + outputs[i].name);
    }
  }
  // The marker the crash would have left: a server must not start on half a log.
  const std::string marker = log.dir + "/" + wal::kSalvageMarkerName;
  test::WriteFile(marker, q + "/salvage-plan.json\n");
  wal::WriterOptions wo;
  wo.tid = kLog.tid;
  wo.pid = kLog.pid;
  auto writer = wal::Writer::Open(log.dir, wo);
  REQUIRE_FALSE(writer.ok());
  CHECK(writer.status().IsFailedPrecondition());
  CHECK_THAT(writer.status().message(), Catch::Contains(q + "/salvage-plan.json") &&
                                            Catch::Contains("repair wal salvage " + log.dir + " --apply"));

  auto tail = PlanTail(log.dir);
  REQUIRE(tail.ok());
  CHECK(tail->verdict == repair::TailVerdict::kRefused);  // not on a half-swapped log

  auto plan = PlanSalvage(log.dir);
  REQUIRE(plan.ok());
  REQUIRE(plan->verdict == repair::SalvageVerdict::kResume);
  CHECK(plan->interrupted == q);
  auto resumed = repair::Salvage(log.dir, Apply());
  REQUIRE(resumed.ok());
  CHECK(resumed->plan.verdict == repair::SalvageVerdict::kResume);
  CHECK_FALSE(fs::exists(marker));
  CHECK(wal::Writer::Open(log.dir, wo).ok());
  CHECK(ReadContents(log.dir).values == Written(OffsetsExcept(1, 100, {{60, 60}})));
  RequireAllInQuarantine(log.originals, log.dir + "/quarantine");
  auto again = PlanSalvage(log.dir);
  REQUIRE(again.ok());
  CHECK(again->verdict == repair::SalvageVerdict::kNothingToDo);
}

// ---------------------------------------------------------------------------
// locks

TEST_CASE("repair refuses while a writer holds the log's lock (invariant 8)", "[repair][wal][lock]") {
  LogFixture log;
  auto writer = wal::Writer::Open(log.dir, kWriter);
  REQUIRE(writer.ok());
  test::AppendBytes(log.segments.back(), "torn");  // a tail to cut, were it allowed
  const std::string fingerprint = test::FingerprintTree(log.dir);
  auto tail = repair::TruncateTail(log.dir, Apply());
  REQUIRE_FALSE(tail.ok());
  CHECK(tail.status().IsBusy());
  CHECK_THAT(tail.status().message(), Catch::Contains(log.dir + "/LOCK"));
  CHECK(PlanTail(log.dir).status().IsBusy());
  CHECK(PlanSalvage(log.dir).status().IsBusy());
  CHECK(repair::Salvage(log.dir, Apply()).status().IsBusy());
  CHECK(test::FingerprintTree(log.dir) == fingerprint);
}

TEST_CASE("repair refuses while a tablet holds the lock of an enclosing data dir", "[repair][wal][lock]") {
  LogFixture log("data/partitions/1_0/wal");
  test::AppendBytes(log.segments.back(), "torn");
  auto tablet = FileLock::Acquire(log.tmp / "data/LOCK");
  REQUIRE(tablet.ok());
  const std::string fingerprint = test::FingerprintTree(log.tmp.path());
  auto tail = repair::TruncateTail(log.dir, Apply());
  REQUIRE_FALSE(tail.ok());
  CHECK(tail.status().IsBusy());
  CHECK_THAT(tail.status().message(), Catch::Contains("data/LOCK"));
  CHECK(repair::Salvage(log.dir, Apply()).status().IsBusy());
  CHECK(repair::CheckNotInUse(log.dir + "/").IsBusy());
  CHECK(repair::CheckNotInUse(log.tmp / "data/partitions/1_0/../1_0/wal").IsBusy());
  CHECK(test::FingerprintTree(log.tmp.path()) == fingerprint);
}

// ---------------------------------------------------------------------------
// the CLI

namespace {

using test::JsonLines;

// Runs the repair binary, capturing stdout and stderr.
test::ProgramRun RunRepair(const std::vector<std::string>& args) {
  std::vector<std::string> argv{KV_BINARY_DIR "/repair/repair"};
  argv.insert(argv.end(), args.begin(), args.end());
  return test::RunProgram(argv);
}

}  // namespace

TEST_CASE("repair wal truncate-tail: exit codes and output", "[repair][wal][cli]") {
  LogFixture log;
  SECTION("clean log: 0") {
    auto run = RunRepair({"wal", "truncate-tail", log.dir});
    CHECK(run.exit_code == 0);
    CHECK_THAT(run.out, Catch::Contains("nothing to do"));
  }
  SECTION("torn tail: dry run 0 and nothing changed, --apply 0 and cut") {
    test::AppendBytes(log.segments.back(), std::string(100, '\0'));
    const std::string fingerprint = test::FingerprintTree(log.dir);
    auto dry = RunRepair({"wal", "truncate-tail", log.dir, "--json"});
    CHECK(dry.exit_code == 0);
    CHECK(test::FingerprintTree(log.dir) == fingerprint);
    auto lines = JsonLines(dry.out);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0]["type"] == "cut");
    CHECK(lines[0]["cut_bytes"] == 100);
    CHECK(lines[1]["verdict"] == "torn-tail");
    CHECK(lines[1]["applied"] == false);
    auto apply = RunRepair({"wal", "truncate-tail", log.dir, "--apply"});
    CHECK(apply.exit_code == 0);
    CHECK(ReadContents(log.dir).summary.end == wal::ReadEnd::kCleanEnd);
  }
  SECTION("mid-log damage: 1, one line naming salvage") {
    const Location& rec = log.before.where.at(10);
    test::FlipBit(rec.file, rec.pos + rec.length - 10);
    auto run = RunRepair({"wal", "truncate-tail", log.dir, "--apply"});
    CHECK(run.exit_code == 1);
    CHECK_THAT(run.err, Catch::Contains("repair wal salvage"));
    CHECK(std::count(run.err.begin(), run.err.end(), '\n') == 1);
  }
  SECTION("held lock: 1") {
    auto lock = FileLock::Acquire(log.dir + "/LOCK");
    REQUIRE(lock.ok());
    auto run = RunRepair({"wal", "truncate-tail", log.dir});
    CHECK(run.exit_code == 1);
    CHECK_THAT(run.err, Catch::Contains("LOCK"));
  }
  SECTION("missing folder: 2") {
    auto run = RunRepair({"wal", "truncate-tail", log.tmp / "nope"});
    CHECK(run.exit_code == 2);
    CHECK(std::count(run.err.begin(), run.err.end(), '\n') == 1);
  }
  SECTION("bad flag: 2") { CHECK(RunRepair({"wal", "truncate-tail", log.dir, "--bogus"}).exit_code == 2); }
  SECTION("no folder given: 2") { CHECK(RunRepair({"wal", "truncate-tail"}).exit_code == 2); }
}

TEST_CASE("repair wal salvage: exit codes and output", "[repair][wal][cli]") {
  LogFixture log;
  SECTION("damaged log: dry run 0 and nothing changed, --apply 0 and salvaged") {
    const Location& rec = log.before.where.at(10);
    test::FlipBit(rec.file, rec.pos + rec.length - 10);
    const std::string fingerprint = test::FingerprintTree(log.dir);
    auto dry = RunRepair({"wal", "salvage", log.dir});
    CHECK(dry.exit_code == 0);
    CHECK_THAT(dry.out, Catch::Contains("offsets lost: 10..10"));
    CHECK(test::FingerprintTree(log.dir) == fingerprint);
    auto apply = RunRepair({"wal", "salvage", log.dir, "--apply", "--json"});
    CHECK(apply.exit_code == 0);
    auto lines = JsonLines(apply.out);
    REQUIRE_FALSE(lines.empty());
    CHECK(lines.back()["type"] == "summary");
    CHECK(lines.back()["applied"] == true);
    CHECK(lines.back()["records_kept"] == 99);
    CHECK(ReadContents(log.dir).values == Written(OffsetsExcept(1, 100, {{10, 10}})));
  }
  SECTION("clean log: 0, nothing to do") {
    auto run = RunRepair({"wal", "salvage", log.dir, "--apply"});
    CHECK(run.exit_code == 0);
    CHECK_THAT(run.out, Catch::Contains("nothing to do"));
  }
  SECTION("nothing intact: 1") {
    for (const std::string& f : log.segments) test::FlipBit(f, 20);
    CHECK(RunRepair({"wal", "salvage", log.dir}).exit_code == 1);
  }
  SECTION("quarantine that is a file: 2") {
    test::WriteFile(log.tmp / "file", "x");
    CHECK(RunRepair({"wal", "salvage", log.dir, "--quarantine", log.tmp / "file"}).exit_code == 2);
  }
  SECTION("missing folder: 2") { CHECK(RunRepair({"wal", "salvage", log.tmp / "nope"}).exit_code == 2); }
  SECTION("bad flag: 2") { CHECK(RunRepair({"wal", "salvage", log.dir, "--apply=maybe"}).exit_code == 2); }
}

TEST_CASE("cut after a hole: the segments after it move whole into quarantine, the log ends before it, and the "
          "folder's own LOCK still refuses",
          "[repair][wal]") {
  test::TempDir tmp;
  const std::string dir = tmp.path() + "/wal";
  const std::vector<std::string> segments = test::WriteTestLog(dir, {.records = 300});
  REQUIRE(segments.size() >= 3);
  // A hole as a salvage leaves one: the second segment's records gone.
  const test::Collected before = test::ReadAll(dir);
  REQUIRE(std::filesystem::remove(segments[1]));
  const std::vector<uint64_t> left = test::ReadAll(dir).offsets;
  uint64_t hole_from = 0;
  for (size_t i = 0; i + 1 < left.size() && hole_from == 0; ++i) {
    if (left[i + 1] != left[i] + 1) hole_from = left[i] + 1;
  }
  REQUIRE(hole_from > 1);

  SECTION("refused while a writer holds the folder's LOCK") {
    auto held = FileLock::Acquire(LockFileIn(dir));
    REQUIRE(held.ok());
    const repair::EnclosingLockOwned not_this_one(tmp.path());  // only folders above count as the caller's own
    auto cut = repair::CutAfterHole(dir, hole_from, {});
    CHECK(cut.status().IsBusy());
    CHECK(wal::ListSegmentFiles(dir)->size() == segments.size() - 1);
  }
  SECTION("applied") {
    auto cut = repair::CutAfterHole(dir, hole_from, {.command = "test"});
    INFO(cut.status().ToString());
    REQUIRE(cut.ok());
    CHECK(cut->moved.size() == segments.size() - 2);  // every segment after the hole
    const test::Collected after = test::ReadAll(dir);
    CHECK(after.damages.empty());
    REQUIRE_FALSE(after.offsets.empty());
    CHECK(after.offsets.back() < hole_from);
    CHECK(after.offsets.size() < before.offsets.size());
    // Nothing deleted: the moved segments are in the quarantine, with a manifest.
    for (const std::string& moved : cut->moved) {
      const std::string name = moved.substr(moved.rfind('/') + 1);
      CHECK(std::filesystem::exists(cut->quarantine_dir + "/" + name));
    }
    CHECK(std::filesystem::exists(cut->quarantine_dir + "/manifest.json"));
  }
}
