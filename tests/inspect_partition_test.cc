// `inspect partition` and `inspect tablet`: what they report about replica
// folders, that every finding is found, and that no mode changes a byte
// (invariant 8). The findings repair acts on (damaged or missing SSTs, a WAL
// ahead of the DB, a DB ahead of its WAL) are also covered, with their
// repairs, in tests/repair_partition_test.cc.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>

#include "common/file.h"
#include "inspect/partition_inspect.h"
#include "inspect/tablet_inspect.h"
#include "tests/partition_tools_fixtures.h"
#include "tests/wal_test_util.h"
#include "wal/reader.h"
#include "wal/truncate.h"

using namespace kv;
using inspect::FindingKind;
using storage::LogPosition;
namespace fs = std::filesystem;

namespace {

inspect::PartitionReport Inspect(const std::string& dir, const inspect::PartitionInspectOptions& o = {}) {
  auto r = inspect::InspectPartition(dir, o);
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  return std::move(r).value();
}

std::vector<std::string> Kinds(const inspect::PartitionReport& r) {
  std::vector<std::string> out;
  for (const auto& f : r.findings) out.push_back(inspect::FindingKindName(f.kind));
  return out;
}

inspect::PartitionInspectOptions Everything() {
  inspect::PartitionInspectOptions o;
  o.verify_wal = o.verify_sst = o.verify_snapshots = o.checksum = true;
  return o;
}

test::ProgramRun RunInspect(const std::vector<std::string>& args) {
  std::vector<std::string> argv{KV_BINARY_DIR "/inspect/inspect"};
  argv.insert(argv.end(), args.begin(), args.end());
  return test::RunProgram(argv);
}

}  // namespace

TEST_CASE("inspect partition reports every part of a healthy replica", "[inspect][partition]") {
  test::PartitionFixture f(120);
  {
    auto r = f.OpenLeader(2);
    REQUIRE(r->CreateSnapshot().ok());  // at 120
    test::WriteTestPuts(*r, 2, 30, 5);  // 121..150 at term 2
  }
  const auto report = Inspect(f.dir, Everything());
  CHECK(report.healthy());
  CHECK(std::string(report.health()) == "ok");
  REQUIRE(report.info.descriptor.has_value());
  CHECK(report.info.descriptor->term == 2);
  CHECK(report.identity == std::pair<uint32_t, uint32_t>(7, 3));
  REQUIRE(report.info.wal.has_value());
  CHECK(report.info.wal->first_offset == 1);
  CHECK(report.wal_first_term == 1);
  CHECK(report.info.wal->last_offset == 150);
  CHECK(report.info.wal->last_term == 2);
  CHECK(report.info.applied == LogPosition{2, 150});
  CHECK_FALSE(report.sst_files.empty());
  for (const auto& sst : report.sst_files) {
    REQUIRE(sst.verify.has_value());
    CHECK(sst.verify->ok());
  }
  REQUIRE(report.wal_verify.has_value());
  CHECK(report.wal_verify->health == inspect::WalHealth::kClean);
  REQUIRE(report.snapshots.size() == 1);
  CHECK(report.snapshots[0].valid());
  CHECK(report.snapshots[0].verify.has_value());
  REQUIRE(report.content.has_value());
  auto opened = f.Open();
  CHECK(*report.content == opened->Checksum()->content);  // the same checksum as storage's
  CHECK(report.content->record_count == 150);
}

TEST_CASE("no inspect mode writes a byte, RocksDB opens included (invariant 8)", "[inspect][partition]") {
  test::PartitionFixture f;
  {
    auto r = f.Open();
    REQUIRE(r->CreateSnapshot().ok());
  }
  f.AppendToWal(5);
  const std::string before = test::FingerprintTree(f.tmp.path());
  inspect::PartitionInspectOptions o;
  SECTION("default") {}
  SECTION("--verify-wal") { o.verify_wal = true; }
  SECTION("--verify-sst") { o.verify_sst = true; }
  SECTION("--verify-snapshots") { o.verify_snapshots = true; }
  SECTION("--checksum") { o.checksum = true; }
  SECTION("all") { o = Everything(); }
  Inspect(f.dir, o);
  CHECK(test::FingerprintTree(f.tmp.path()) == before);
  REQUIRE(inspect::InspectTablet(f.tmp.path(), o).ok());
  CHECK(test::FingerprintTree(f.tmp.path()) == before);
}

TEST_CASE("inspect partition finds a torn tail and says how it is cut", "[inspect][partition]") {
  test::PartitionFixture f;
  f.CutWalTail(10);
  const auto report = Inspect(f.dir);
  CHECK(Kinds(report) == std::vector<std::string>{"db-ahead-of-wal", "torn-tail"});
  CHECK_THAT(report.findings.back().fix, Catch::Contains("repair wal truncate-tail " + f.dir + "/wal --apply"));
}

TEST_CASE("inspect partition finds a WAL that starts after the DB's applied offset", "[inspect][partition]") {
  test::PartitionFixture f(20);
  const std::string old_db = f.SaveDb("db-at-20");
  {
    auto r = f.Open();
    test::WriteTestPuts(*r, 1, 300, 10);
    REQUIRE(r->CreateSnapshot().ok());  // at 320
    test::WriteTestPuts(*r, 1, 10, 10);
    REQUIRE_FALSE(r->PurgeObsoleteWal(UINT64_MAX, 0)->deleted.empty());
  }
  f.PutBackDb(old_db);
  const auto report = Inspect(f.dir);
  REQUIRE(Kinds(report) == std::vector<std::string>{"wal-gap"});
  CHECK_THAT(report.findings[0].text, Catch::Contains("the DB applied only 20"));
  CHECK_THAT(report.findings[0].fix, Catch::Contains("starting from snapshot 320"));

  fs::rename(f.dir + "/snapshots", f.tmp / "snapshots-aside");
  const auto without = Inspect(f.dir);
  REQUIRE(Kinds(without) == std::vector<std::string>{"wal-gap"});
  CHECK_THAT(without.findings[0].text, Catch::Contains("nor does a snapshot"));
}

TEST_CASE("inspect partition finds a DB whose history differs from its WAL's", "[inspect][partition]") {
  test::PartitionFixture f(30);
  const std::string old_db = f.SaveDb("db-term-1");
  {
    auto r = f.OpenLeader(2);
    REQUIRE(r->TruncateAfter(20).ok());
    test::WriteTestPuts(*r, 2, 10, 5);  // 21..30 again, at term 2
  }
  f.PutBackDb(old_db);  // applied (term 1, offset 30)
  const auto report = Inspect(f.dir);
  REQUIRE(Kinds(report) == std::vector<std::string>{"history-diverged"});
  CHECK_THAT(report.findings[0].text, Catch::Contains("has term 2"));
}

TEST_CASE("inspect partition finds missing or broken parts", "[inspect][partition]") {
  test::PartitionFixture f(40);
  std::string kind;
  SECTION("no replica.json") {
    fs::remove(f.dir + "/replica.json");
    kind = "descriptor-missing";
  }
  SECTION("a garbled replica.json") {
    test::WriteFile(f.dir + "/replica.json", "{\"format_version\": 1, \"tid\": ");
    kind = "descriptor-unreadable";
  }
  SECTION("a replica.json of a format version this build does not know") {
    std::string text = test::ReadFile(f.dir + "/replica.json");
    REQUIRE(text.find("\"format_version\": 1") != std::string::npos);
    text.replace(text.find("\"format_version\": 1"), 19, "\"format_version\": 2");
    test::WriteFile(f.dir + "/replica.json", text);
    kind = "descriptor-unreadable";
  }
  SECTION("no db/") {
    fs::rename(f.db(), f.tmp / "db-aside");
    kind = "db-missing";
  }
  SECTION("no wal/") {
    fs::rename(f.wal(), f.tmp / "wal-aside");
    kind = "wal-missing";
  }
  SECTION("a garbled snapshot manifest") {
    {
      auto r = f.Open();
      REQUIRE(r->CreateSnapshot().ok());
    }
    test::WriteFile(f.dir + "/snapshots/" + storage::SnapshotDirName(40) + "/manifest.json", "{");
    kind = "snapshot-damaged";
  }
  SECTION("a segment of another partition") {
    f.AddForeignSegment();
    kind = "foreign-segment";
  }
  SECTION("a segment with a damaged header") {
    const auto segments = wal::ListSegmentFiles(f.wal()).value();
    test::FlipBit(segments[0], 4);
    kind = "wal-damaged";
  }
  const auto report = Inspect(f.dir);
  INFO((report.findings.empty() ? std::string() : report.findings[0].text));
  REQUIRE_FALSE(report.healthy());
  const auto kinds = Kinds(report);
  CHECK(std::find(kinds.begin(), kinds.end(), kind) != kinds.end());
}

TEST_CASE("inspect partition reports a last segment whose header was never finished", "[inspect][partition]") {
  test::PartitionFixture f(30);
  // What a crash while the log rolls to a new segment leaves: an empty or zero-filled file.
  const std::string unfinished = f.wal() + "/" + wal::SegmentFileName(31);
  test::WriteFile(unfinished, GENERATE(std::string(), std::string(4096, '\0')));
  const auto report = Inspect(f.dir, Everything());
  REQUIRE(Kinds(report) == std::vector<std::string>{"torn-tail"});  // not damage: no record was in it
  CHECK_THAT(report.findings[0].text, Catch::Contains(unfinished + ", a segment whose header was never finished"));
  CHECK_THAT(report.findings[0].fix, Catch::Contains("repair partition replay " + f.dir + " --apply"));
  CHECK(report.unreadable_segments.empty());
  CHECK(report.info.last == LogPosition{1, 30});
  const auto& problems = report.info.problems;
  CHECK(std::any_of(problems.begin(), problems.end(),
                    [&](const std::string& p) { return p.find(unfinished) != std::string::npos; }));
  const auto j = inspect::PartitionReportJson(report);
  CHECK(j["wal_unfinished_segment"] == unfinished);
  CHECK(j["wal_torn_bytes"] == 0);
  CHECK(j["health"] == "torn-tail");
}

TEST_CASE("inspect partition --verify-snapshots finds a checkpoint that disagrees with its manifest",
          "[inspect][partition]") {
  test::PartitionFixture f(60);
  {
    auto r = f.Open();
    REQUIRE(r->CreateSnapshot().ok());  // at 60
  }
  const std::string manifest = f.dir + "/snapshots/" + storage::SnapshotDirName(60) + "/manifest.json";
  std::string text = test::ReadFile(manifest);
  REQUIRE(text.find("\"record_count\": 60") != std::string::npos);
  text.replace(text.find("\"record_count\": 60"), 18, "\"record_count\": 61");
  test::WriteFile(manifest, text);
  CHECK(Inspect(f.dir).healthy());  // the manifest itself reads fine
  inspect::PartitionInspectOptions o;
  o.verify_snapshots = true;
  const auto report = Inspect(f.dir, o);
  REQUIRE(Kinds(report) == std::vector<std::string>{"snapshot-damaged"});
  CHECK_THAT(report.findings[0].text, Catch::Contains("61"));
  CHECK(report.NewestValidSnapshot() == nullptr);
  CHECK(inspect::PartitionReportJson(report)["snapshot_offset"].is_null());
}

TEST_CASE("inspect partition --verify-wal finds damage in the middle of the log", "[inspect][partition]") {
  test::PartitionFixture f;
  const auto segments = wal::ListSegmentFiles(f.wal()).value();
  REQUIRE(segments.size() >= 3);
  test::FlipBit(segments[1], 200);
  CHECK(Inspect(f.dir).healthy());  // the cheap look reads only the tail
  const auto report = Inspect(f.dir, Everything());
  REQUIRE(Kinds(report)[0] == "wal-damaged");
  CHECK_THAT(report.findings[0].fix, Catch::Contains("repair wal salvage"));
  CHECK_FALSE(report.wal_damages.empty());
}

TEST_CASE("inspect partition --verify-wal does not send a hole in the log to salvage again", "[inspect][partition]") {
  test::PartitionFixture f;  // applied 200
  const auto segments = wal::ListSegmentFiles(f.wal()).value();
  REQUIRE(segments.size() >= 3);
  fs::rename(segments[1], f.tmp / "aside.log");  // what a salvage leaves when records were lost: a hole
  const auto report = Inspect(f.dir, Everything());
  REQUIRE(Kinds(report) == std::vector<std::string>{"wal-damaged"});
  CHECK_THAT(report.findings[0].text, Catch::Contains("missing-segment"));
  CHECK_THAT(report.findings[0].fix, Catch::Contains("the DB applied past them"));
  CHECK_THAT(report.findings[0].fix, !Catch::Contains("salvage"));
}

TEST_CASE("inspect partition names a folder holding another partition's files", "[inspect][partition]") {
  test::PartitionFixture f(10);
  const std::string moved = f.tmp / "partitions/7_4";
  fs::rename(f.dir, moved);
  const auto report = Inspect(moved);
  REQUIRE(Kinds(report) == std::vector<std::string>{"identity-mismatch"});
  CHECK_THAT(report.findings[0].text, Catch::Contains("the folder's name belongs to partition 7_4"));
}

TEST_CASE("inspect partition names a WAL copied in from another partition", "[inspect][partition]") {
  test::PartitionFixture f(10);  // 7_3
  test::ReplicaHarness other(7, 4);
  {
    auto r = other.OpenLeader(1);
    test::WriteTestPuts(*r, 1, 10, 10);
  }
  fs::remove_all(f.wal());
  fs::copy(other.dir + "/wal", f.wal());
  const auto report = Inspect(f.dir);
  const auto kinds = Kinds(report);
  REQUIRE_FALSE(kinds.empty());
  CHECK(kinds[0] == "identity-mismatch");
  CHECK_THAT(report.findings[0].text, Catch::Contains("the WAL belongs to partition 7_4, this replica is 7_3"));
}

TEST_CASE("inspect partition beside an open replica: in use, and no replay asked for", "[inspect][partition]") {
  test::PartitionFixture f(10);
  auto r = f.Open();
  std::vector<wal::Record> more = test::TestPuts(11, 5, 1);
  REQUIRE(r->Write(1, &more).ok());  // in the WAL, and only in the memtable of the DB
  const auto report = Inspect(f.dir);
  CHECK(report.in_use);
  CHECK(report.healthy());
  CHECK(report.info.last == LogPosition{1, 15});
}

TEST_CASE("the replica JSON carries every field, null where unknown", "[inspect][partition]") {
  test::PartitionFixture f(25);
  {
    auto r = f.Open();
    REQUIRE(r->CreateSnapshot().ok());
  }
  f.AppendToWal(5);
  auto j = inspect::PartitionReportJson(Inspect(f.dir, Everything()));
  CHECK(j["type"] == "replica");
  CHECK(j["format_version"] == inspect::kCollectFormatVersion);
  CHECK(j["wal_unfinished_segment"].is_null());
  CHECK(j["tid"] == 7);
  CHECK(j["pid"] == 3);
  CHECK(j["table"] == "t7");
  CHECK(j["role"] == "leader");
  CHECK(j["term"] == 1);
  CHECK(j["last_term"] == 1);
  CHECK(j["last_offset"] == 30);
  CHECK(j["applied_offset"] == 25);
  CHECK(j["applied_term"] == 1);
  CHECK(j["snapshot_offset"] == 25);
  CHECK(j["wal_first_offset"] == 1);
  CHECK(j["wal_last_offset"] == 30);
  CHECK(j["health"] == "needs-replay");
  CHECK(j["findings"][0]["kind"] == "needs-replay");
  CHECK(j["snapshots"][0]["valid"] == true);
  CHECK(j["content_checksum"]["record_count"] == 25);
  CHECK(j["wal_verify"]["end"] == "clean");
  CHECK(j["descriptor_error"].is_null());

  fs::rename(f.db(), f.tmp / "db-aside");
  auto missing = inspect::PartitionReportJson(Inspect(f.dir));
  CHECK(missing["applied_offset"].is_null());
  CHECK(missing["content_checksum"].is_null());
  CHECK(missing["db_present"] == false);
  CHECK(missing["health"] == "db-missing");
}

TEST_CASE("inspect tablet lists every replica in (tid, pid) order, with the tablet first", "[inspect][tablet]") {
  test::PartitionFixture f(10);  // 7_3
  fs::create_directories(f.tmp / "partitions/12_0");  // an empty folder: no replica.json
  {
    storage::StorageEnv env;
    storage::ReplicaOptions o = f.options;
    o.table = "t2";
    o.tid = 2;
    o.pid = 5;
    auto r = storage::Replica::Open(storage::ReplicaDir(f.tmp.path(), 2, 5), o, env);
    REQUIRE(r.ok());
  }
  test::WriteFile(f.tmp / "tablet.json", R"({"format_version": 1, "endpoint": "127.0.0.1:9000", "tablet_id": "tb1"})");
  test::WriteFile(f.tmp / "partitions/notes.txt", "x");
  f.AppendToWal(3);

  auto report = inspect::InspectTablet(f.tmp.path(), {});
  REQUIRE(report.ok());
  REQUIRE(report->replicas.size() == 3);
  CHECK(report->replicas[0].identity == std::pair<uint32_t, uint32_t>(2, 5));
  CHECK(report->replicas[0].healthy());
  CHECK(report->replicas[1].identity == std::pair<uint32_t, uint32_t>(7, 3));
  CHECK(std::string(report->replicas[1].health()) == "needs-replay");
  CHECK(report->replicas[2].identity == std::pair<uint32_t, uint32_t>(12, 0));
  CHECK(std::string(report->replicas[2].health()) == "descriptor-missing");
  CHECK_FALSE(report->healthy());
  CHECK(report->ignored == std::vector<std::string>{f.tmp / "partitions/notes.txt"});
  CHECK_FALSE(report->lock_held);

  auto lock = FileLock::Acquire(f.tmp / "LOCK");
  REQUIRE(lock.ok());
  auto locked = inspect::InspectTablet(f.tmp.path(), {});
  REQUIRE(locked.ok());
  auto header = inspect::TabletHeaderJson(*locked);
  CHECK(header["type"] == "tablet");
  CHECK(header["format_version"] == inspect::kCollectFormatVersion);
  CHECK(header["lock_held"] == true);
  CHECK(header["tablet"]["tablet_id"] == "tb1");
  CHECK(header["replicas"] == 3);
  CHECK(header["unhealthy"] == 2);
}

TEST_CASE("inspect tablet refuses what is not a data dir", "[inspect][tablet]") {
  test::TempDir tmp;
  CHECK(inspect::InspectTablet(tmp / "nope", {}).status().IsNotFound());
  CHECK(inspect::InspectTablet(tmp.path(), {}).status().IsInvalidArgument());
}

TEST_CASE("inspect partition and tablet: exit codes and output", "[inspect][partition][cli]") {
  test::PartitionFixture f(30);
  SECTION("healthy: 0") {
    auto run = RunInspect({"partition", f.dir, "--checksum"});
    CHECK(run.exit_code == 0);
    CHECK_THAT(run.out, Catch::Contains("healthy: no findings"));
    CHECK_THAT(run.out, Catch::Contains("(term 1, offset 30)"));
    auto tablet = RunInspect({"tablet", f.tmp.path(), "--json"});
    CHECK(tablet.exit_code == 0);
    auto lines = test::JsonLines(tablet.out);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0]["type"] == "tablet");
    CHECK(lines[1]["type"] == "replica");
    CHECK(lines[1]["health"] == "ok");
  }
  SECTION("every JSON line carries the collect format's version") {
    test::FlipBit(wal::ListSegmentFiles(f.wal()).value().front(), 200);  // mid-log: records follow it
    auto partition = RunInspect({"partition", f.dir, "--verify-wal", "--json"});
    CHECK(partition.exit_code == 1);
    auto tablet = RunInspect({"tablet", f.tmp.path(), "--json"});
    auto lines = test::JsonLines(partition.out);
    REQUIRE(lines.size() >= 2);
    CHECK(lines[0]["type"] == "replica");
    CHECK(lines[1]["type"] == "wal_damage");
    for (const auto& line : test::JsonLines(tablet.out)) lines.push_back(line);
    for (const auto& line : lines) {
      INFO(line.dump());
      CHECK(line["format_version"] == inspect::kCollectFormatVersion);
    }
  }
  SECTION("findings: 1, each with its fix") {
    f.AppendToWal(4);
    auto run = RunInspect({"partition", f.dir});
    CHECK(run.exit_code == 1);
    CHECK_THAT(run.out, Catch::Contains("needs-replay"));
    CHECK_THAT(run.out, Catch::Contains("repair partition replay " + f.dir + " --apply"));
    auto json = RunInspect({"partition", f.dir, "--json"});
    CHECK(json.exit_code == 1);
    auto lines = test::JsonLines(json.out);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0]["health"] == "needs-replay");
    auto tablet = RunInspect({"tablet", f.tmp.path()});
    CHECK(tablet.exit_code == 1);
    CHECK_THAT(tablet.out, Catch::Contains("needs-replay"));
  }
  SECTION("bad usage or no folder: 2, one line") {
    for (const auto& args : std::vector<std::vector<std::string>>{{"partition", f.tmp / "nope"},
                                                                  {"partition"},
                                                                  {"partition", f.dir, "--bogus"},
                                                                  {"tablet", f.tmp / "nope"},
                                                                  {"tablet", f.dir + "/wal"}}) {
      auto run = RunInspect(args);
      INFO(args[0] << " " << (args.size() > 1 ? args[1] : ""));
      CHECK(run.exit_code == 2);
      CHECK(run.out.empty());
      CHECK_FALSE(run.err.empty());
    }
  }
}

// The binary on real damage (a verifier that says "ok" without checking is
// what operators complain about most): each mode that reads what is damaged
// finds it and exits 1, and no run changes a byte of the damaged replica
// (invariant 8: a torn tail is reported, not cut, until the replica opens).
TEST_CASE("inspect partition and tablet through the binary on damage: --verify-sst and --checksum find a damaged "
          "SST (exit 1), and no mode changes a byte of a damaged replica (invariant 8)",
          "[inspect][partition][cli]") {
  test::PartitionFixture f;
  const std::string sst_damaged = inspect::FindingKindName(FindingKind::kSstDamaged);
  const std::string db_unreadable = inspect::FindingKindName(FindingKind::kDbUnreadable);
  SECTION("a damaged SST") {
    const std::string sst = f.LargestSst();
    f.DamageSst();
    const std::string before = test::FingerprintTree(f.tmp.path());
    auto verify = RunInspect({"partition", f.dir, "--verify-sst"});
    INFO(verify.out << verify.err);
    CHECK(verify.exit_code == 1);
    CHECK_THAT(verify.out, Catch::Contains(sst_damaged) && Catch::Contains(fs::path(sst).filename().string()));
    auto verify_json = RunInspect({"partition", f.dir, "--verify-sst", "--json"});
    CHECK(verify_json.exit_code == 1);
    const auto lines = test::JsonLines(verify_json.out);
    REQUIRE_FALSE(lines.empty());
    CHECK(lines[0]["health"] == sst_damaged);
    auto checksum = RunInspect({"partition", f.dir, "--checksum"});
    INFO(checksum.out << checksum.err);
    CHECK(checksum.exit_code == 1);
    CHECK_THAT(checksum.out, Catch::Contains(db_unreadable) && Catch::Contains("reading the DB's data"));
    auto tablet_verify = RunInspect({"tablet", f.tmp.path(), "--verify-sst"});
    CHECK(tablet_verify.exit_code == 1);
    CHECK_THAT(tablet_verify.out, Catch::Contains(sst_damaged));
    auto tablet_checksum = RunInspect({"tablet", f.tmp.path(), "--checksum", "--json"});
    CHECK(tablet_checksum.exit_code == 1);
    const auto tablet_lines = test::JsonLines(tablet_checksum.out);
    REQUIRE(tablet_lines.size() == 2);
    CHECK(tablet_lines[1]["health"] == db_unreadable);
    CHECK(test::FingerprintTree(f.tmp.path()) == before);
  }
  SECTION("a torn tail") {
    f.CutWalTail(10);
    const std::string before = test::FingerprintTree(f.tmp.path());
    auto run = RunInspect({"partition", f.dir, "--verify-wal", "--verify-sst", "--verify-snapshots", "--checksum"});
    INFO(run.out << run.err);
    CHECK(run.exit_code == 1);
    CHECK_THAT(run.out, Catch::Contains(inspect::FindingKindName(FindingKind::kTornTail)));
    CHECK(RunInspect({"tablet", f.tmp.path(), "--verify-sst", "--checksum"}).exit_code == 1);
    CHECK(test::FingerprintTree(f.tmp.path()) == before);
  }
  SECTION("damage in the middle of the log") {
    test::FlipBit(wal::ListSegmentFiles(f.wal()).value().front(), 200);
    const std::string before = test::FingerprintTree(f.tmp.path());
    auto run = RunInspect({"partition", f.dir, "--verify-wal", "--verify-sst", "--verify-snapshots", "--checksum"});
    INFO(run.out << run.err);
    CHECK(run.exit_code == 1);
    CHECK_THAT(run.out, Catch::Contains(inspect::FindingKindName(FindingKind::kWalDamaged)));
    RunInspect({"tablet", f.tmp.path(), "--verify-sst", "--checksum"});  // reads WAL tails only: not its concern
    CHECK(test::FingerprintTree(f.tmp.path()) == before);
  }
}
