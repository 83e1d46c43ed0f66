// `inspect sst`: properties, scans and checksum verification of RocksDB SST
// files, checked against what RocksDB's own writer put in them and against what
// Debian's sst_dump reads from the same files. Invariant 8 (inspect never
// changes a byte) is defended by fingerprinting a real DB folder around every
// kind of run.
#include <fcntl.h>
#include <rocksdb/db.h>
#include <rocksdb/sst_file_writer.h>
#include <rocksdb/table.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <thread>

#include "cli/table.h"
#include "common/file.h"
#include "inspect/sst_inspect.h"
#include "tests/test_util.h"

extern char** environ;

using namespace kv;
using inspect::SstScanEnd;

namespace {

const std::string kInspect = KV_BINARY_DIR "/inspect/inspect";
const std::string kSstDump = "/usr/bin/sst_dump";

std::string Key(int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "key%06d", i);
  return buf;
}

// Letters from a small generator: barely compressible, so files get as big as their entries.
std::string Value(int i, size_t size) {
  std::string v(size, '\0');
  uint32_t x = static_cast<uint32_t>(i) * 2654435761u + 1;
  for (char& c : v) {
    x = x * 1664525u + 1013904223u;
    c = static_cast<char>('a' + (x >> 24) % 26);
  }
  return v;
}

struct Entry {
  enum Op { kPut, kDelete, kMerge } op = kPut;
  std::string key;
  std::string value;
};

// One of each kind SstFileWriter can write, ending in a deletion.
std::vector<Entry> MixedEntries() {
  return {{Entry::kPut, "apple", "red"},
          {Entry::kDelete, "banana", ""},
          {Entry::kMerge, "cherry", "+1"},
          {Entry::kPut, "damson", "purple"},
          {Entry::kDelete, "elder", ""}};
}

std::vector<Entry> Puts(int n, size_t value_size = 16) {
  std::vector<Entry> out;
  for (int i = 0; i < n; ++i) out.push_back({Entry::kPut, Key(i), Value(i, value_size)});
  return out;
}

struct WriteSpec {
  size_t block_size = 4096;
  const rocksdb::Comparator* comparator = rocksdb::BytewiseComparator();
};

// Writes entries (in the comparator's order) with RocksDB's SstFileWriter.
void WriteSst(const std::string& path, const std::vector<Entry>& entries, const WriteSpec& spec = {}) {
  rocksdb::Options options;
  options.comparator = spec.comparator;
  rocksdb::BlockBasedTableOptions table;
  table.block_size = spec.block_size;
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), options);
  REQUIRE(writer.Open(path).ok());
  for (const Entry& e : entries) {
    rocksdb::Status s = e.op == Entry::kPut      ? writer.Put(e.key, e.value)
                        : e.op == Entry::kMerge  ? writer.Merge(e.key, e.value)
                                                 : writer.Delete(e.key);
    REQUIRE(s.ok());
  }
  REQUIRE(writer.Finish().ok());
}

// A real RocksDB folder: `flushes` SST files of 100 keys each (compaction off),
// the last one also deleting Key(0), which lives in the first.
void MakeDb(const std::string& dir, int flushes) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.disable_auto_compactions = true;
  rocksdb::DB* raw = nullptr;
  REQUIRE(rocksdb::DB::Open(options, dir, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  for (int f = 0; f < flushes; ++f) {
    for (int i = 0; i < 100; ++i) REQUIRE(db->Put({}, Key(f * 100 + i), Value(i, 40)).ok());
    if (f == flushes - 1) REQUIRE(db->Delete({}, Key(0)).ok());
    REQUIRE(db->Flush({}).ok());
  }
  REQUIRE(db->Close().ok());
}

struct Listed {
  std::vector<std::string> keys;
  std::vector<std::string> types;
  std::vector<std::string> values;
  inspect::SstScanSummary summary;
};

Listed Scan(const std::string& file, const inspect::SstScanOptions& options = {}) {
  Listed l;
  auto summary = inspect::ScanSst(file, options, [&](const inspect::SstEntry& e) {
    l.keys.emplace_back(e.key);
    l.types.emplace_back(inspect::SstEntryTypeName(e.type));
    l.values.emplace_back(e.value);
  });
  REQUIRE(summary.ok());
  l.summary = *summary;
  return l;
}

std::vector<std::string> Keys(int from, int to) {
  std::vector<std::string> out;
  for (int i = from; i < to; ++i) out.push_back(Key(i));
  return out;
}

using Run = test::ProgramRun;
using test::RunProgram;

Run Inspect(std::vector<std::string> args) {
  args.insert(args.begin(), {kInspect, "sst"});
  return RunProgram(args);
}

// A bad-usage run: exit 2, one line on stderr, nothing on stdout.
void CheckUsageError(const std::vector<std::string>& args, const std::string& expected_text) {
  INFO("inspect sst with " << args.size() << " args, expecting: " << expected_text);
  const Run r = Inspect(args);
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK(r.err.find(expected_text) != std::string::npos);
}


}  // namespace

TEST_CASE("properties report what SstFileWriter wrote and the first and last live keys", "[inspect][sst]") {
  test::TempDir tmp;
  const std::string file = tmp / "mixed.sst";
  WriteSst(file, MixedEntries());
  auto p = inspect::ReadSstProperties(file);
  REQUIRE(p.ok());
  CHECK(p->file == file);
  CHECK(p->file_size == *FileSize(file));
  CHECK(p->entries == 5);
  CHECK(p->deletions == 2);
  CHECK(p->merge_operands == 1);
  CHECK(p->range_deletions == 0);
  CHECK(p->data_blocks == 1);
  CHECK(p->data_size > 0);
  CHECK(p->index_size > 0);
  CHECK(p->filter_policy.empty());
  CHECK(p->comparator == "leveldb.BytewiseComparator");
  CHECK_FALSE(p->compression.empty());
  CHECK(p->column_family.empty());
  CHECK_FALSE(p->column_family_id.has_value());
  CHECK(p->key_range_status.ok());
  CHECK(p->smallest_key == std::optional<std::string>("apple"));
  CHECK(p->largest_key == std::optional<std::string>("damson"));  // "elder" is deleted

  const std::string deletions_only = tmp / "deletions.sst";
  WriteSst(deletions_only, {{Entry::kDelete, "a", ""}, {Entry::kDelete, "b", ""}});
  auto d = inspect::ReadSstProperties(deletions_only);
  REQUIRE(d.ok());
  CHECK(d->entries == 2);
  CHECK(d->key_range_status.ok());
  CHECK_FALSE(d->smallest_key.has_value());
  CHECK_FALSE(d->largest_key.has_value());
}

TEST_CASE("a scan lists live entries in key order with deleted keys hidden and merges typed", "[inspect][sst]") {
  test::TempDir tmp;
  const std::string file = tmp / "mixed.sst";
  WriteSst(file, MixedEntries());
  const Listed l = Scan(file);
  CHECK(l.keys == std::vector<std::string>{"apple", "cherry", "damson"});
  CHECK(l.types == std::vector<std::string>{"put", "merge", "put"});
  CHECK(l.values == std::vector<std::string>{"red", "+1", "purple"});
  CHECK(l.summary.entries == 3);
  CHECK(l.summary.end == SstScanEnd::kEndOfFile);
  CHECK(l.summary.damage.ok());
}

TEST_CASE("scan ranges: from is inclusive and to exclusive and limit counts listed entries", "[inspect][sst]") {
  test::TempDir tmp;
  const std::string file = tmp / "puts.sst";
  WriteSst(file, Puts(100), {.block_size = 256});  // many blocks: seeks cross block boundaries

  Listed l = Scan(file, {.from = Key(10), .to = Key(20)});
  CHECK(l.keys == Keys(10, 20));
  CHECK(l.summary.end == SstScanEnd::kReachedTo);

  l = Scan(file, {.from = Key(95)});
  CHECK(l.keys == Keys(95, 100));
  CHECK(l.summary.end == SstScanEnd::kEndOfFile);

  l = Scan(file, {.limit = 5});
  CHECK(l.keys == Keys(0, 5));
  CHECK(l.summary.end == SstScanEnd::kLimit);

  l = Scan(file, {.from = Key(10) + "x", .limit = 3});  // --from between two keys starts at the next one
  CHECK(l.keys == Keys(11, 14));
  CHECK(l.summary.end == SstScanEnd::kLimit);

  l = Scan(file, {.from = Key(50), .to = Key(50)});  // an empty range lists nothing
  CHECK(l.keys.empty());
  CHECK(l.summary.end == SstScanEnd::kReachedTo);

  l = Scan(file, {.from = "zzz"});
  CHECK(l.keys.empty());
  CHECK(l.summary.end == SstScanEnd::kEndOfFile);

  l = Scan(file, {.limit = 1000});
  CHECK(l.summary.entries == 100);
  CHECK(l.summary.end == SstScanEnd::kEndOfFile);
}

TEST_CASE("a reverse-bytewise file is read in its own order", "[inspect][sst]") {
  test::TempDir tmp;
  const std::string file = tmp / "reverse.sst";
  std::vector<Entry> entries = Puts(50);
  std::reverse(entries.begin(), entries.end());
  WriteSst(file, entries, {.comparator = rocksdb::ReverseBytewiseComparator()});

  auto p = inspect::ReadSstProperties(file);
  REQUIRE(p.ok());
  CHECK(p->comparator == "rocksdb.ReverseBytewiseComparator");
  CHECK(p->smallest_key == std::optional<std::string>(Key(49)));
  CHECK(p->largest_key == std::optional<std::string>(Key(0)));

  const Listed l = Scan(file, {.from = Key(30), .to = Key(25)});
  CHECK(l.keys == std::vector<std::string>{Key(30), Key(29), Key(28), Key(27), Key(26)});
  CHECK(l.summary.end == SstScanEnd::kReachedTo);
}

namespace {
// A comparator inspect does not know (it orders keys by length, then bytes).
class LengthFirstComparator : public rocksdb::Comparator {
 public:
  const char* Name() const override { return "test.LengthFirst"; }
  int Compare(const rocksdb::Slice& a, const rocksdb::Slice& b) const override {
    if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
    return a.compare(b);
  }
  void FindShortestSeparator(std::string*, const rocksdb::Slice&) const override {}
  void FindShortSuccessor(std::string*) const override {}
};
}  // namespace

TEST_CASE("a file with an unknown comparator: properties and verify work but iteration is refused", "[inspect][sst]") {
  test::TempDir tmp;
  const std::string file = tmp / "custom.sst";
  LengthFirstComparator comparator;
  WriteSst(file, {{Entry::kPut, "zz", "1"}, {Entry::kPut, "aaa", "2"}}, {.comparator = &comparator});

  auto p = inspect::ReadSstProperties(file);
  REQUIRE(p.ok());
  CHECK(p->comparator == "test.LengthFirst");
  CHECK(p->entries == 2);
  CHECK(p->key_range_status.IsFailedPrecondition());
  CHECK_FALSE(p->smallest_key.has_value());

  auto scan = inspect::ScanSst(file, {}, [](const inspect::SstEntry&) {});
  REQUIRE_FALSE(scan.ok());
  CHECK(scan.status().IsFailedPrecondition());
  CHECK(scan.status().message().find("test.LengthFirst") != std::string::npos);
  CHECK(inspect::VerifySst(file).ok());

  CHECK(Inspect({file}).exit_code == 0);             // the keys are hidden, nothing is wrong
  CHECK(Inspect({"--scan", file}).exit_code == 1);   // asked to list entries, and could not
  CHECK(Inspect({"--verify", file}).exit_code == 0);
}

TEST_CASE("paths: a folder means its SST files in name order and a file is taken whatever its name", "[inspect][sst]") {
  test::TempDir tmp;
  WriteSst(tmp / "b.sst", Puts(3));
  WriteSst(tmp / "a.sst", Puts(3));
  WriteSst(tmp / "copied-out", Puts(3));
  test::WriteFile(tmp / "MANIFEST-000001", "x");
  test::WriteFile(tmp / "a.sst.tmp", "x");
  REQUIRE(CreateDirs(tmp / "sub.sst").ok());

  auto files = inspect::ListSstFiles({tmp.path(), tmp / "copied-out"});
  REQUIRE(files.ok());
  CHECK(*files == std::vector<std::string>{tmp / "a.sst", tmp / "b.sst", tmp / "copied-out"});

  auto missing = inspect::ListSstFiles({tmp / "nothing-here"});
  CHECK(missing.status().IsNotFound());

  test::TempDir empty;
  test::WriteFile(empty / "LOG", "x");
  auto none = inspect::ListSstFiles({empty.path()});
  CHECK(none.status().IsInvalidArgument());
  CHECK(none.status().message() == "no SST files in " + empty.path());
}

TEST_CASE("a real DB folder: one SST per flush with matching totals and not a byte changed by inspect",
          "[inspect][sst][invariant8]") {
  test::TempDir tmp;
  const std::string db = tmp / "db";
  MakeDb(db, 3);
  const std::string before = test::FingerprintTree(db);

  auto files = inspect::ListSstFiles({db});
  REQUIRE(files.ok());
  REQUIRE(files->size() == 3);
  uint64_t entries = 0, deletions = 0, listed = 0;
  for (const std::string& file : *files) {
    auto p = inspect::ReadSstProperties(file);
    REQUIRE(p.ok());
    CHECK(p->column_family == "default");
    CHECK(p->column_family_id == std::optional<uint64_t>(0));
    CHECK(p->file_creation_time > 0);
    CHECK_FALSE(p->db_id.empty());
    entries += p->entries;
    deletions += p->deletions;
    listed += Scan(file).summary.entries;
    CHECK(inspect::VerifySst(file).ok());
  }
  CHECK(entries == 301);
  CHECK(deletions == 1);
  CHECK(listed == 300);  // each file on its own: the deletion hides Key(0) only in the DB as a whole
  CHECK(Scan(files->back()).keys == Keys(200, 300));
  CHECK(Scan(files->front()).keys.front() == Key(0));

  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {db}, {"--json", db}, {"--scan", "--print-value", db}, {"--scan", "--json", "--hex", db}, {"--verify", db}}) {
    CHECK(Inspect(args).exit_code == 0);
  }
  CHECK(test::FingerprintTree(db) == before);
}

TEST_CASE("a flipped byte inside a data block: verify says corrupt and the scan stops as damaged", "[inspect][sst]") {
  test::TempDir tmp;
  const std::string file = tmp / "big.sst";
  WriteSst(file, Puts(3000, 100), {.block_size = 1024});
  auto p = inspect::ReadSstProperties(file);
  REQUIRE(p.ok());
  REQUIRE(p->data_size > 200 * 1024);
  REQUIRE(p->data_blocks > 100);
  REQUIRE(inspect::VerifySst(file).ok());
  REQUIRE(Inspect({"--verify", file}).exit_code == 0);

  // Data blocks come first in the file: the middle of the data area is inside a
  // data block or its trailer, both covered by the block's checksum.
  test::FlipBit(file, p->data_size / 2, 3);

  const Status verdict = inspect::VerifySst(file);
  CHECK(verdict.IsCorruption());
  CHECK(verdict.message().find("checksum mismatch") != std::string::npos);

  const Listed l = Scan(file);
  CHECK(l.summary.end == SstScanEnd::kDamaged);
  CHECK(l.summary.damage.IsCorruption());
  CHECK(l.summary.entries > 0);
  CHECK(l.summary.entries < 3000);

  const Run verify = Inspect({"--verify", file});
  CHECK(verify.exit_code == 1);
  CHECK(verify.out.find("corrupt") != std::string::npos);
  CHECK(Inspect({"--scan", file}).exit_code == 1);
  CHECK(Inspect({file}).exit_code == 0);  // properties are intact; only a verify or a scan reads every block
}

TEST_CASE("truncated and garbage and empty files are reported as damaged without a crash", "[inspect][sst]") {
  test::TempDir tmp;
  WriteSst(tmp / "000001.sst", Puts(200));
  const uint64_t size = *FileSize(tmp / "000001.sst");
  for (uint64_t keep : {size - 1, size / 2, uint64_t{10}}) {
    const std::string cut = tmp / ("cut-" + std::to_string(keep) + ".sst");
    test::WriteFile(cut, test::ReadFile(tmp / "000001.sst").substr(0, keep));
  }
  test::WriteFile(tmp / "garbage.sst", Value(7, 4096));
  test::WriteFile(tmp / "empty.sst", "");

  auto files = inspect::ListSstFiles({tmp.path()});
  REQUIRE(files.ok());
  REQUIRE(files->size() == 6);
  for (const std::string& file : *files) {
    INFO(file);
    const Status verdict = inspect::VerifySst(file);
    if (file == tmp / "000001.sst") {
      CHECK(verdict.ok());
      continue;
    }
    CHECK(verdict.IsCorruption());
    CHECK(verdict.message().find(file + ": cannot be read as an SST") == 0);
    CHECK(inspect::ReadSstProperties(file).status().IsCorruption());
    CHECK(inspect::ScanSst(file, {}, [](const inspect::SstEntry&) {}).status().IsCorruption());
  }
  CHECK(inspect::VerifySst(tmp / "empty.sst").message().find("too short") != std::string::npos);

  const Run verify = Inspect({"--verify", "--json", tmp.path()});
  CHECK(verify.exit_code == 1);
  int corrupt = 0;
  for (const nlohmann::json& j : test::JsonLines(verify.out)) {
    CHECK(j["kind"] == "verify");
    if (j["status"] == "corrupt") ++corrupt;
  }
  CHECK(corrupt == 5);
  CHECK(Inspect({tmp / "garbage.sst"}).exit_code == 1);
  CHECK(Inspect({"--scan", tmp / "empty.sst"}).exit_code == 1);
}

TEST_CASE("every sampled single-bit flip is either caught by verify or leaves every entry intact",
          "[inspect][sst][fuzz]") {
  test::TempDir tmp;
  const std::string original = tmp / "small.sst";
  WriteSst(original, Puts(300, 20), {.block_size = 256});
  const Listed clean = Scan(original);
  const std::string bytes = test::ReadFile(original);
  const std::string damaged = tmp / "damaged.sst";
  int caught = 0;
  for (size_t pos = 0; pos < bytes.size(); pos += 37) {
    std::string copy = bytes;
    copy[pos] = static_cast<char>(copy[pos] ^ 0x10);
    test::WriteFile(damaged, copy);
    if (!inspect::VerifySst(damaged).ok()) {
      ++caught;
      continue;
    }
    INFO("verify passed a flip at byte " << pos);
    const Listed l = Scan(damaged);
    CHECK(l.summary.end == SstScanEnd::kEndOfFile);
    CHECK(l.keys == clean.keys);
    CHECK(l.values == clean.values);
  }
  CHECK(caught > 0);
}

TEST_CASE("sst_dump from Debian lists the same live keys as our scan", "[inspect][sst][sst_dump]") {
  if (!PathExists(kSstDump)) {
    WARN(kSstDump + " is missing (package rocksdb-tools): cross-check skipped");
    return;
  }
  test::TempDir tmp;
  // Binary keys with quotes, NULs and high bytes, in bytewise order; every
  // fifth deleted, every fifth a merge.
  std::vector<Entry> entries;
  for (int i = 0; i < 200; ++i) {
    std::string key{static_cast<char>(i), '\'', '\0', '\xff'};
    key += Key(i);
    const Entry::Op op = i % 5 == 0 ? Entry::kDelete : i % 5 == 1 ? Entry::kMerge : Entry::kPut;
    entries.push_back({op, key, Value(i, 24)});
  }
  WriteSst(tmp / "writer.sst", entries, {.block_size = 512});
  MakeDb(tmp / "db", 1);
  auto db_files = inspect::ListSstFiles({tmp / "db"});
  REQUIRE(db_files.ok());

  for (const std::string& file : {tmp / "writer.sst", db_files->front()}) {
    INFO(file);
    const Run dump = RunProgram({kSstDump, "--file=" + file, "--command=scan", "--output_hex"});
    REQUIRE(dump.exit_code == 0);
    // Lines look like: 'HEXKEY' seq:0, type:1 => HEXVALUE (type 0 deletion, 1 put, 2 merge)
    std::map<std::string, std::string> dumped;  // live key (hex) -> type
    int deletions = 0;
    for (const std::string& line : dump.OutLines()) {
      const size_t end = line.find("' seq:");
      const size_t type_at = line.find(", type:");
      if (line.empty() || line[0] != '\'' || end == std::string::npos || type_at == std::string::npos) continue;
      std::string hex = line.substr(1, end - 1);
      std::transform(hex.begin(), hex.end(), hex.begin(), [](unsigned char c) { return std::tolower(c); });
      const int type = std::stoi(line.substr(type_at + 7));
      if (type == 0) ++deletions;
      if (type == 1) dumped[hex] = "put";
      if (type == 2) dumped[hex] = "merge";
    }
    std::map<std::string, std::string> ours;
    auto summary = inspect::ScanSst(file, {}, [&](const inspect::SstEntry& e) {
      ours[cli::Hex(e.key)] = inspect::SstEntryTypeName(e.type);
    });
    REQUIRE(summary.ok());
    CHECK(summary->end == SstScanEnd::kEndOfFile);
    CHECK(ours == dumped);
    CHECK(ours.size() == summary->entries);
    auto p = inspect::ReadSstProperties(file);
    REQUIRE(p.ok());
    CHECK(deletions == static_cast<int>(p->deletions));
  }
}

TEST_CASE("CLI: properties and scans and verify as tables and JSON lines exit 0 when clean", "[inspect][sst][cli]") {
  test::TempDir tmp;
  const std::string file = tmp / "puts.sst";
  WriteSst(file, Puts(100), {.block_size = 512});

  const Run table = Inspect({file});
  CHECK(table.exit_code == 0);
  CHECK(table.out.find("entries") != std::string::npos);
  CHECK(table.out.find(Key(99)) != std::string::npos);  // the largest key

  Run r = Inspect({"--json", file});
  CHECK(r.exit_code == 0);
  auto lines = test::JsonLines(r.out);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]["kind"] == "properties");
  CHECK(lines[0]["entries"] == 100);
  CHECK(lines[0]["smallest_key"] == Key(0));

  r = Inspect({"--json", "--scan", "--limit", "5", "--print-value", file});
  CHECK(r.exit_code == 0);
  lines = test::JsonLines(r.out);
  REQUIRE(lines.size() == 6);
  for (int i = 0; i < 5; ++i) {
    CHECK(lines[i]["kind"] == "entry");
    CHECK(lines[i]["key"] == Key(i));
    CHECK(lines[i]["type"] == "put");
    CHECK(lines[i]["value"] == Value(i, 16));
    CHECK(lines[i]["value_size"] == 16);
  }
  CHECK(lines[5]["kind"] == "scan_end");
  CHECK(lines[5]["entries"] == 5);
  CHECK(lines[5]["end"] == "reached --limit");

  r = Inspect({"--scan", "--key-hex", "--from", cli::Hex(Key(10)), "--to", cli::Hex(Key(13)), file});
  CHECK(r.exit_code == 0);
  for (int i = 9; i <= 13; ++i) CHECK((r.out.find(cli::Hex(Key(i))) != std::string::npos) == (i >= 10 && i < 13));
  CHECK(r.out.find("3 entries listed, stopped: reached --to") != std::string::npos);

  r = Inspect({"--scan", "--json", "--hex", "--print-value", "--from", cli::Hex(Key(42)), "--limit", "1", file});
  CHECK(r.exit_code == 0);
  lines = test::JsonLines(r.out);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0]["key"] == cli::Hex(Key(42)));
  CHECK(lines[0]["value"] == cli::Hex(Value(42, 16)));

  r = Inspect({"--verify", file});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find(" ok") != std::string::npos);
  r = Inspect({"--verify", "--json", file, file});
  CHECK(r.exit_code == 0);
  for (const nlohmann::json& j : test::JsonLines(r.out)) CHECK(j["status"] == "ok");
}

TEST_CASE("CLI: bad usage exits 2 with one line", "[inspect][sst][cli]") {
  test::TempDir tmp;
  const std::string file = tmp / "puts.sst";
  WriteSst(file, Puts(10));
  test::TempDir empty;

  CheckUsageError({}, "PATH is required");
  CheckUsageError({tmp / "missing.sst"}, "no such file or folder");
  CheckUsageError({empty.path()}, "no SST files in " + empty.path());
  CheckUsageError({"--scan", "--limit", "0", file}, "--limit must be at least 1");
  CheckUsageError({"--scan", "--limit", "-3", file}, "--limit must be at least 1");
  CheckUsageError({"--scan", "--key-hex", "--from", "zz", file}, "--from 'zz' is not hex");
  CheckUsageError({"--scan", "--hex", "--to", "abc", file}, "--to 'abc' is not hex");
  CheckUsageError({"--limit", "3", file}, "--limit requires --scan");
  CheckUsageError({"--scan", "--verify", file}, "excludes");
}
