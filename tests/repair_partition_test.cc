// `repair partition descriptor|replay|rebuild|truncate|verify|drop-snapshot` (invariant 8:
// repair never deletes, dry-runs unless applied, refuses while the replica is
// in use), each against the damage it exists for, with the data checked after.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <functional>

#include <rocksdb/db.h>

#include <nlohmann/json.hpp>

#include "common/file.h"
#include "inspect/partition_inspect.h"
#include "repair/partition_repair.h"
#include "repair/partition_verify.h"
#include "tests/partition_tools_fixtures.h"
#include "tests/wal_test_util.h"
#include "wal/reader.h"

using namespace kv;
using inspect::FindingKind;
using repair::PlanVerdict;
using storage::LogPosition;
namespace fs = std::filesystem;

namespace {

repair::PartitionRepairOptions DryRun() { return {}; }
repair::PartitionRepairOptions Apply(bool accept_loss = false) {
  repair::PartitionRepairOptions o;
  o.apply = true;
  o.accept_loss = accept_loss;
  o.command = "test";
  return o;
}

template <typename R>
R Ok(Result<R> r) {
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  return std::move(r).value();
}

bool Finds(const std::string& dir, FindingKind kind) {
  inspect::PartitionInspectOptions o;
  o.verify_sst = true;
  return Ok(inspect::InspectPartition(dir, o)).Has(kind);
}

bool Consistent(const std::string& dir) {
  const repair::VerifyReport v = Ok(repair::VerifyPartition(dir));
  for (const std::string& p : v.problems) UNSCOPED_INFO(p);
  return v.consistent();
}

// A dry run plans, changes nothing and returns the plan.
repair::PartitionPlan PlanOnly(test::PartitionFixture& f,
                               const std::function<Result<repair::PartitionRepairResult>()>& repair) {
  const std::string before = test::FingerprintTree(f.tmp.path());
  repair::PartitionRepairResult r = Ok(repair());
  CHECK_FALSE(r.applied);
  CHECK(test::FingerprintTree(f.tmp.path()) == before);
  return r.plan;
}

test::ProgramRun RunRepair(const std::vector<std::string>& args) {
  std::vector<std::string> argv{KV_BINARY_DIR "/repair/repair"};
  argv.insert(argv.end(), args.begin(), args.end());
  return test::RunProgram(argv);
}

}  // namespace

TEST_CASE("a damaged SST: inspect finds it, verify fails, rebuild fixes it, verify passes", "[repair][partition]") {
  test::PartitionFixture f;
  const test::Content written = f.WalContent();
  f.DamageSst();
  CHECK(Finds(f.dir, FindingKind::kSstDamaged));
  CHECK_FALSE(Consistent(f.dir));

  const auto plan = PlanOnly(f, [&] { return repair::RebuildPartition(f.dir, DryRun()); });
  REQUIRE(plan.verdict == PlanVerdict::kRepair);
  REQUIRE(plan.rebuild.has_value());
  CHECK_FALSE(plan.rebuild->snapshot.has_value());  // the WAL starts at 1
  CHECK(plan.rebuild->up_to == 200);
  CHECK_FALSE(plan.lost.has_value());

  auto done = Ok(repair::RebuildPartition(f.dir, Apply()));
  CHECK(done.applied);
  CHECK(done.applied_after == LogPosition{1, 200});
  CHECK(Consistent(f.dir));
  CHECK(Ok(inspect::InspectPartition(f.dir, {})).healthy());
  CHECK(f.OpenedContent() == written);
  const auto q = test::QuarantineFolders(f.quarantine, "replaced-db");
  REQUIRE(q.size() == 1);
  CHECK(PathExists(q[0] + "/CURRENT"));  // the damaged DB, whole, side by side
}

TEST_CASE("a missing SST: inspect finds it, verify fails, rebuild from a snapshot fixes it", "[repair][partition]") {
  test::PartitionFixture f;
  {
    auto r = f.Open();
    REQUIRE(r->CreateSnapshot().ok());  // at 200
    test::WriteTestPuts(*r, 1, 50, 10);
  }
  const test::Content written = f.WalContent();
  f.RemoveSst();
  const auto report = Ok(inspect::InspectPartition(f.dir, {}));
  CHECK((report.Has(FindingKind::kDbUnreadable) || report.Has(FindingKind::kSstMissing)));
  CHECK_FALSE(Consistent(f.dir));

  const auto plan = PlanOnly(f, [&] { return repair::RebuildPartition(f.dir, DryRun()); });
  REQUIRE(plan.verdict == PlanVerdict::kRepair);
  REQUIRE(plan.rebuild->snapshot.has_value());
  CHECK(plan.rebuild->start == LogPosition{1, 200});
  CHECK(plan.rebuild->records_to_replay() == 50);

  Ok(repair::RebuildPartition(f.dir, Apply()));
  CHECK(Consistent(f.dir));
  CHECK(f.OpenedContent() == written);
}

TEST_CASE("rebuild passes over a snapshot that does not hold what its manifest says", "[repair][partition]") {
  test::PartitionFixture f(60);
  {
    auto r = f.Open();
    REQUIRE(r->CreateSnapshot().ok());  // at 60
    test::WriteTestPuts(*r, 1, 20, 10);
  }
  const std::string manifest = f.dir + "/snapshots/" + storage::SnapshotDirName(60) + "/manifest.json";
  std::string text = test::ReadFile(manifest);
  text.replace(text.find("\"record_count\": 60"), 18, "\"record_count\": 61");
  test::WriteFile(manifest, text);
  std::vector<std::string> skipped;
  auto plan = Ok(repair::PlanRebuildFromGoodSnapshot(f.dir, 80, &skipped));
  CHECK_FALSE(plan.snapshot.has_value());  // the WAL from offset 1 instead
  REQUIRE(skipped.size() == 1);
  CHECK_THAT(skipped[0], Catch::Contains("61"));
}

TEST_CASE("a WAL ahead of the DB: needs-replay, and replay applies it", "[repair][partition]") {
  test::PartitionFixture f(50);
  f.AppendToWal(30, 2);  // 51..80, written past the DB
  CHECK(Finds(f.dir, FindingKind::kNeedsReplay));
  CHECK(Consistent(f.dir));  // the DB holds exactly what the WAL says up to its applied offset

  const auto plan = PlanOnly(f, [&] { return repair::ReplayPartition(f.dir, DryRun()); });
  REQUIRE(plan.verdict == PlanVerdict::kRepair);
  REQUIRE(plan.steps.size() == 1);
  CHECK_THAT(plan.steps[0], Catch::Contains("offsets 51..80 (30 records)"));

  auto done = Ok(repair::ReplayPartition(f.dir, Apply()));
  CHECK(done.applied_after == LogPosition{2, 80});
  CHECK(f.Info().applied == LogPosition{2, 80});  // flushed: it stays applied
  CHECK(Ok(inspect::InspectPartition(f.dir, {})).healthy());
  CHECK(Consistent(f.dir));
  CHECK(f.OpenedContent() == f.WalContent());

  auto again = Ok(repair::ReplayPartition(f.dir, Apply()));
  CHECK(again.plan.verdict == PlanVerdict::kNothingToDo);
}

TEST_CASE("replay also cuts a torn tail into quarantine", "[repair][partition]") {
  test::PartitionFixture f(50);
  f.AppendToWal(5);
  test::AppendBytes(wal::ListSegmentFiles(f.wal()).value().back(), std::string(30, '\x07'));
  auto plan = Ok(repair::ReplayPartition(f.dir, DryRun())).plan;
  REQUIRE(plan.steps.size() == 2);
  CHECK_THAT(plan.steps[0], Catch::Contains("torn tail (30 bytes)"));
  auto run = RunRepair({"partition", "replay", f.dir, "--apply"});
  CHECK(run.exit_code == 0);
  const auto q = test::QuarantineFolders(f.quarantine, "torn-tail");
  REQUIRE(q.size() == 1);
  // The manifest names the command an operator ran, not the library call inside it.
  auto manifest = nlohmann::json::parse(test::ReadFile(q[0] + "/manifest.json"));
  CHECK_THAT(manifest["command"].get<std::string>(),
             Catch::StartsWith("repair partition replay ") && Catch::Contains("--apply"));
  CHECK(Ok(inspect::InspectPartition(f.dir, {})).healthy());
}

TEST_CASE("replay sets an unfinished last segment aside, and the log continues", "[repair][partition]") {
  test::PartitionFixture f(50);
  f.AppendToWal(5);  // 51..55, in the WAL only
  const std::string unfinished = f.wal() + "/" + wal::SegmentFileName(56);
  test::WriteFile(unfinished, "");  // the log died rolling to 56
  CHECK(Finds(f.dir, FindingKind::kTornTail));
  const auto plan = PlanOnly(f, [&] { return repair::ReplayPartition(f.dir, DryRun()); });
  REQUIRE(plan.steps.size() == 2);
  CHECK_THAT(plan.steps[0], Catch::Contains("unfinished segment " + unfinished));
  CHECK_THAT(plan.steps[1], Catch::Contains("offsets 51..55"));

  auto done = Ok(repair::ReplayPartition(f.dir, Apply()));
  CHECK(done.applied_after == LogPosition{1, 55});
  CHECK_FALSE(PathExists(unfinished));
  const auto q = test::QuarantineFolders(f.quarantine, "torn-tail");
  REQUIRE(q.size() == 1);
  CHECK(PathExists(q[0] + "/" + wal::SegmentFileName(56)));
  CHECK(Ok(inspect::InspectPartition(f.dir, {})).healthy());
  auto r = f.OpenLeader(1);
  test::WriteTestPuts(*r, 1, 3);
  CHECK(r->LastLogged() == LogPosition{1, 58});
}

TEST_CASE("an unreadable DB: inspect finds it, replay refuses, rebuild replaces it from the WAL", "[repair][partition]") {
  test::PartitionFixture f(40);
  const test::Content written = f.WalContent();
  test::WriteFile(f.db() + "/CURRENT", "MANIFEST-999999\n");  // names a MANIFEST that is not there
  CHECK(Finds(f.dir, FindingKind::kDbUnreadable));
  CHECK(Ok(repair::ReplayPartition(f.dir, DryRun())).plan.verdict == PlanVerdict::kRefused);

  const auto plan = PlanOnly(f, [&] { return repair::RebuildPartition(f.dir, DryRun()); });
  REQUIRE(plan.verdict == PlanVerdict::kRepair);
  CHECK_FALSE(plan.lost.has_value());  // unknown, so not claimed
  const bool noted = std::any_of(plan.notes.begin(), plan.notes.end(), [](const std::string& n) {
    return n.find("the old DB cannot be read") != std::string::npos;
  });
  CHECK(noted);

  auto done = Ok(repair::RebuildPartition(f.dir, Apply()));
  CHECK(done.applied_after == LogPosition{1, 40});
  CHECK(Ok(inspect::InspectPartition(f.dir, {})).healthy());
  CHECK(Consistent(f.dir));
  CHECK(f.OpenedContent() == written);
  const auto q = test::QuarantineFolders(f.quarantine, "replaced-db");
  REQUIRE(q.size() == 1);
  CHECK(test::ReadFile(q[0] + "/CURRENT") == "MANIFEST-999999\n");  // the old DB, as it was
}

TEST_CASE("a DB ahead of a damaged WAL: the plan lists the loss, and rebuild needs --accept-loss",
          "[repair][partition]") {
  test::PartitionFixture f(30);
  f.CutWalTail(20);  // mid-record: offset 30 is gone, a torn tail remains
  const test::Content kept = f.WalContent();
  CHECK(f.Info().applied == LogPosition{1, 30});
  CHECK(Finds(f.dir, FindingKind::kDbAheadOfWal));
  CHECK_FALSE(Consistent(f.dir));
  CHECK(Ok(repair::ReplayPartition(f.dir, DryRun())).plan.verdict == PlanVerdict::kRefused);

  const auto plan = PlanOnly(f, [&] { return repair::RebuildPartition(f.dir, DryRun()); });
  REQUIRE(plan.verdict == PlanVerdict::kRepair);
  REQUIRE(plan.lost.has_value());
  CHECK(plan.lost->from == 30);
  CHECK(plan.lost->to == 30);
  REQUIRE(plan.choices.size() == 2);
  CHECK_THAT(plan.choices[0], Catch::Contains("--accept-loss"));
  CHECK_THAT(plan.choices[1], Catch::Contains("recover the partition from a replica"));
  CHECK(plan.needs_accept_loss);
  const auto dry = RunRepair({"partition", "rebuild", f.dir, "--json"});
  CHECK(dry.exit_code == 1);  // applying as asked would be refused: the dry run says so
  CHECK_THAT(dry.err, Catch::Contains("--apply --accept-loss"));
  REQUIRE(test::JsonLines(dry.out).size() == 1);
  CHECK(test::JsonLines(dry.out)[0]["needs_accept_loss"] == true);
  const auto dry_accepting = RunRepair({"partition", "rebuild", f.dir, "--accept-loss"});
  INFO(dry_accepting.out << dry_accepting.err);
  CHECK(dry_accepting.exit_code == 0);

  const auto refused = PlanOnly(f, [&] { return repair::RebuildPartition(f.dir, Apply()); });
  CHECK(refused.verdict == PlanVerdict::kRefused);
  CHECK_THAT(refused.reason, Catch::Contains("--accept-loss"));

  auto done = Ok(repair::RebuildPartition(f.dir, Apply(/*accept_loss=*/true)));
  CHECK(done.applied_after == LogPosition{1, 29});
  CHECK(Consistent(f.dir));
  CHECK(f.OpenedContent() == kept);
  CHECK(test::QuarantineFolders(f.quarantine, "replaced-db").size() == 1);  // the old DB, holding offset 30
}

TEST_CASE("rebuild bridges a WAL gap from a snapshot, and follows the WAL's history", "[repair][partition]") {
  test::PartitionFixture f(20);
  SECTION("gap") {
    const std::string old_db = f.SaveDb("db-at-20");
    {
      auto r = f.Open();
      test::WriteTestPuts(*r, 1, 300, 10);
      REQUIRE(r->CreateSnapshot().ok());
      test::WriteTestPuts(*r, 1, 10, 10);
      REQUIRE_FALSE(r->PurgeObsoleteWal(UINT64_MAX, 0)->deleted.empty());
    }
    f.PutBackDb(old_db);
    CHECK(Finds(f.dir, FindingKind::kWalGap));
  }
  SECTION("diverged") {
    const std::string old_db = f.SaveDb("db-term-1");
    {
      auto r = f.OpenLeader(2);
      REQUIRE(r->TruncateAfter(15).ok());
      test::WriteTestPuts(*r, 2, 5, 5);  // 16..20 again, at term 2
    }
    f.PutBackDb(old_db);
    CHECK(Finds(f.dir, FindingKind::kHistoryDiverged));
  }
  CHECK_FALSE(Consistent(f.dir));
  CHECK(Ok(repair::ReplayPartition(f.dir, DryRun())).plan.verdict == PlanVerdict::kRefused);
  Ok(repair::RebuildPartition(f.dir, Apply()));
  CHECK(Ok(inspect::InspectPartition(f.dir, {})).healthy());
  CHECK(Consistent(f.dir));
  auto r = f.Open();
  CHECK(r->Applied() == r->LastLogged());
}

TEST_CASE("verify fails on data the WAL never wrote, and rebuild restores the WAL's content", "[repair][partition]") {
  test::PartitionFixture f(40);
  {
    rocksdb::DB* raw = nullptr;
    REQUIRE(rocksdb::DB::Open(rocksdb::Options(), f.db(), &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    REQUIRE(db->Put(rocksdb::WriteOptions(), "dkey7", "not what the WAL says").ok());
    REQUIRE(db->Flush(rocksdb::FlushOptions()).ok());
  }
  CHECK(Ok(inspect::InspectPartition(f.dir, {})).healthy());  // nothing the cheap look can see
  const repair::VerifyReport v = Ok(repair::VerifyPartition(f.dir));
  CHECK_FALSE(v.consistent());
  REQUIRE(v.expected.has_value());
  REQUIRE(v.actual.has_value());
  CHECK(v.expected->record_count == v.actual->record_count);
  CHECK(v.expected->sum != v.actual->sum);
  CHECK(v.records_replayed == 40);

  Ok(repair::RebuildPartition(f.dir, Apply()));
  CHECK(Consistent(f.dir));
  CHECK(f.OpenedContent() == f.WalContent());
}

TEST_CASE("verify derives the content from the newest snapshot, deletes included", "[repair][partition]") {
  test::PartitionFixture f(30);
  {
    auto r = f.Open();
    REQUIRE(r->CreateSnapshot().ok());  // at 30
    std::vector<wal::Record> changes{wal::Record::Delete(1, test::TestKey(3)), wal::Record::Put(1, test::TestKey(4), "new"),
                                     wal::Record::Put(1, "fresh", "x"), wal::Record::Delete(1, "never-there")};
    REQUIRE(r->Write(1, &changes).ok());
    REQUIRE(r->PurgeObsoleteWal(UINT64_MAX, 0).ok());
  }
  const repair::VerifyReport v = Ok(repair::VerifyPartition(f.dir));
  for (const auto& p : v.problems) UNSCOPED_INFO(p);
  CHECK(v.consistent());
  CHECK_THAT(v.base, Catch::Contains("snapshot"));
  CHECK(v.records_replayed == 4);
  CHECK(v.at == LogPosition{1, 34});
  CHECK(v.actual->record_count == 30);
}

TEST_CASE("truncate --after cuts log and data back, saving what was cut", "[repair][partition]") {
  test::PartitionFixture f(60);
  {
    auto r = f.Open();
    REQUIRE(r->CreateSnapshot().ok());  // at 60: past the cut
    test::WriteTestPuts(*r, 1, 20, 10);
  }
  f.AppendToWal(5);  // 81..85, not applied yet
  const test::Content prefix = f.WalContent(45);

  const auto plan = PlanOnly(f, [&] { return repair::TruncatePartition(f.dir, 45, DryRun()); });
  REQUIRE(plan.verdict == PlanVerdict::kRepair);
  REQUIRE(plan.lost.has_value());
  CHECK(plan.lost->from == 46);
  CHECK(plan.lost->to == 85);
  REQUIRE(plan.rebuild.has_value());
  CHECK(plan.rebuild->up_to == 45);

  auto done = Ok(repair::TruncatePartition(f.dir, 45, Apply()));
  CHECK(done.applied_after == LogPosition{1, 45});
  CHECK(f.Info().last == LogPosition{1, 45});
  CHECK(f.OpenedContent() == prefix);
  CHECK(Consistent(f.dir));
  const auto cut = test::QuarantineFolders(f.quarantine, "truncate-after-45");
  REQUIRE(cut.size() == 1);
  CHECK(test::ReadAll(cut[0]).offsets.size() == 40);  // 46..85, a readable WAL
  CHECK(test::QuarantineFolders(f.quarantine, "truncated-snapshot").size() == 1);

  CHECK(Ok(repair::TruncatePartition(f.dir, 45, Apply())).plan.verdict == PlanVerdict::kNothingToDo);
  CHECK(Ok(repair::TruncatePartition(f.dir, 100, Apply())).plan.verdict == PlanVerdict::kNothingToDo);
}

TEST_CASE("a damaged snapshot: verify fails after rebuild until drop-snapshot moves it into quarantine",
          "[repair][partition][snapshot]") {
  test::PartitionFixture f(200);
  {
    auto r = f.Open();
    REQUIRE(r->CreateSnapshot().ok());  // at 200, sharing db/'s SST files by hard links
    test::WriteTestPuts(*r, 1, 50, 10);
  }
  const std::string snapshot = f.dir + "/snapshots/" + storage::SnapshotDirName(200);
  f.DamageSst();  // in db/ and in the snapshot alike
  Ok(repair::RebuildPartition(f.dir, Apply()));  // from the WAL, which starts at 1
  CHECK_FALSE(Consistent(f.dir));                // "snapshot passed over"

  const auto plan = PlanOnly(f, [&] { return repair::DropSnapshots(f.dir, {"", true}, DryRun()); });
  REQUIRE(plan.verdict == PlanVerdict::kRepair);
  REQUIRE(plan.steps.size() == 1);
  CHECK_THAT(plan.steps[0], Catch::Contains(snapshot) && Catch::Contains("damaged"));
  CHECK(plan.choices.empty());  // the WAL starts at 1: nothing depends on the snapshot
  CHECK_FALSE(plan.needs_accept_loss);

  const std::string before = test::FingerprintTree(snapshot);
  auto run = RunRepair({"partition", "drop-snapshot", f.dir, "--damaged", "--apply", "--json"});
  CHECK(run.exit_code == 0);
  auto lines = test::JsonLines(run.out);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]["command"] == "drop-snapshot");
  CHECK(lines[0]["applied"] == true);
  CHECK_FALSE(PathExists(snapshot));
  const auto q = test::QuarantineFolders(f.quarantine, "dropped-snapshot");
  REQUIRE(q.size() == 1);
  const std::string stored = q[0] + "/" + storage::SnapshotDirName(200);
  CHECK(test::FingerprintTree(stored) == before);  // whole, as it was
  auto manifest = nlohmann::json::parse(test::ReadFile(q[0] + "/manifest.json"));
  CHECK_THAT(manifest["command"].get<std::string>(), Catch::Contains("drop-snapshot") && Catch::Contains("--damaged"));
  REQUIRE(manifest["items"].size() == 1);
  CHECK(manifest["items"][0]["kind"] == "folder");
  CHECK(manifest["items"][0]["original"] == fs::absolute(snapshot).lexically_normal().string());
  CHECK(manifest["items"][0]["files"].size() >= 2);  // the checkpoint and its manifest.json

  CHECK(Consistent(f.dir));
  CHECK(Ok(inspect::InspectPartition(f.dir, {})).healthy());
  CHECK(f.OpenedContent() == f.WalContent());
  CHECK(Ok(repair::DropSnapshots(f.dir, {"", true}, Apply())).plan.verdict == PlanVerdict::kNothingToDo);
}

TEST_CASE("drop-snapshot needs --accept-loss for the only snapshot the WAL continues from",
          "[repair][partition][snapshot]") {
  test::PartitionFixture f(20);
  {
    auto r = f.Open();
    test::WriteTestPuts(*r, 1, 300, 10);
    REQUIRE(r->CreateSnapshot().ok());  // at 320
    test::WriteTestPuts(*r, 1, 10, 10);
    REQUIRE_FALSE(r->PurgeObsoleteWal(UINT64_MAX, 0)->deleted.empty());  // the WAL no longer starts at 1
  }
  const test::Content held = f.OpenedContent();
  const std::string snapshot = f.dir + "/snapshots/" + storage::SnapshotDirName(320);
  const uint64_t wal_first = f.Info().wal->first_offset;
  REQUIRE(wal_first > 1);
  const std::string below = "offsets 1.." + std::to_string(wal_first - 1);

  const auto plan = PlanOnly(f, [&] { return repair::DropSnapshots(f.dir, {"320", false}, DryRun()); });
  REQUIRE(plan.verdict == PlanVerdict::kRepair);
  CHECK_THAT(plan.steps[0], Catch::Contains("it verifies"));
  REQUIRE(plan.choices.size() == 2);
  CHECK_THAT(plan.choices[0], Catch::Contains("--accept-loss") && Catch::Contains(below + " then exist only in db/"));
  CHECK(plan.needs_accept_loss);
  const auto dry = RunRepair({"partition", "drop-snapshot", f.dir, "--snapshot", "320"});
  CHECK(dry.exit_code == 1);
  CHECK_THAT(dry.err, Catch::Contains("--apply --accept-loss"));

  const auto refused = PlanOnly(f, [&] { return repair::DropSnapshots(f.dir, {"320", false}, Apply()); });
  CHECK(refused.verdict == PlanVerdict::kRefused);
  CHECK_THAT(refused.reason, Catch::Contains("--accept-loss") && Catch::Contains(below + " only in db/"));
  auto cli = RunRepair({"partition", "drop-snapshot", f.dir, "--snapshot", storage::SnapshotDirName(320), "--apply"});
  CHECK(cli.exit_code == 1);
  CHECK_THAT(cli.err, Catch::Contains("refused"));
  CHECK(PathExists(snapshot));

  auto done = Ok(repair::DropSnapshots(f.dir, {"320", false}, Apply(/*accept_loss=*/true)));
  CHECK(done.applied);
  CHECK_FALSE(PathExists(snapshot));
  CHECK(test::QuarantineFolders(f.quarantine, "dropped-snapshot").size() == 1);
  CHECK(f.OpenedContent() == held);  // db/ keeps every offset
  CHECK_FALSE(Consistent(f.dir));     // but nothing outside it derives offsets below the WAL any more
}

TEST_CASE("descriptor writes a new replica.json at the newest term, the old one to quarantine", "[repair][partition]") {
  test::PartitionFixture f(10);
  {
    auto r = f.OpenLeader(3);
    test::WriteTestPuts(*r, 3, 5);
  }
  test::WriteFile(f.dir + "/replica.json", "garbage");
  CHECK(Ok(repair::ReplayPartition(f.dir, Apply())).plan.verdict == PlanVerdict::kRefused);
  CHECK(Ok(repair::RewriteDescriptor(f.dir, "", Apply())).plan.verdict == PlanVerdict::kRefused);

  const auto plan = PlanOnly(f, [&] { return repair::RewriteDescriptor(f.dir, "t7", DryRun()); });
  REQUIRE(plan.new_descriptor.has_value());
  CHECK(plan.new_descriptor->term == 3);
  Ok(repair::RewriteDescriptor(f.dir, "t7", Apply()));
  const auto info = f.Info();
  REQUIRE(info.descriptor.has_value());
  CHECK(info.descriptor->role == storage::Role::kFollower);
  CHECK(info.descriptor->term == 3);
  CHECK(info.descriptor->table == "t7");
  CHECK(test::QuarantineFolders(f.quarantine, "replaced-descriptor").size() == 1);
  CHECK(f.Open()->Applied() == LogPosition{3, 15});
}

// docs/repair.md, "salvage first": rebuild and truncate read the WAL, so WAL
// damage, a segment of another partition and files of another partition stop
// them before they plan anything; run dry or applied, they touch nothing.
// Without the refusal a rebuild would replay a damaged log and drop, silently,
// every record past the damage.
TEST_CASE("rebuild and truncate refuse a damaged WAL, a foreign segment and another partition's files",
          "[repair][partition]") {
  test::PartitionFixture f(30);
  std::string dir = f.dir;
  std::string reason;
  SECTION("a segment whose header is damaged") {
    test::FlipBit(wal::ListSegmentFiles(f.wal()).value().at(0), 4);
    reason = "repair wal salvage";
  }
  SECTION("a segment of another partition") {
    f.AddForeignSegment();
    // The newest segment is the foreign one, so the WAL's identity is found wrong too, and first.
    reason = "the WAL belongs to partition 9_1, this replica is 7_3";
  }
  SECTION("a folder named for another partition") {
    dir = fs::path(f.dir).parent_path() / "7_4";
    fs::rename(f.dir, dir);
    reason = "the folder's name belongs to partition 7_4, this replica is 7_3";
  }
  for (bool apply : {false, true}) {
    const repair::PartitionRepairOptions o = apply ? Apply(/*accept_loss=*/true) : DryRun();
    const auto rebuild = PlanOnly(f, [&] { return repair::RebuildPartition(dir, o); });
    CHECK(rebuild.verdict == PlanVerdict::kRefused);
    CHECK_THAT(rebuild.reason, Catch::Contains(reason));
    const auto truncate = PlanOnly(f, [&] { return repair::TruncatePartition(dir, 5, o); });
    CHECK(truncate.verdict == PlanVerdict::kRefused);
    CHECK_THAT(truncate.reason, Catch::Contains(reason));
  }
  CHECK_FALSE(PathExists(f.quarantine));
}

// Damage inside a record only a full read finds: rebuild reads the whole WAL
// first and refuses. Truncate reads what it keeps: damage past the cut point
// goes out with the rest (wal/truncate.h), damage before it is refused.
TEST_CASE("rebuild refuses mid-log WAL damage, and truncate refuses to keep it", "[repair][partition]") {
  test::PartitionFixture f(30);
  const auto segments = wal::ListSegmentFiles(f.wal()).value();
  REQUIRE(segments.size() == 1);
  test::FlipBit(segments[0], Ok(FileSize(segments[0])) / 2);  // offset 15; intact records on both sides
  for (bool apply : {false, true}) {
    const auto rebuild =
        PlanOnly(f, [&] { return repair::RebuildPartition(f.dir, apply ? Apply(/*accept_loss=*/true) : DryRun()); });
    CHECK(rebuild.verdict == PlanVerdict::kRefused);
    CHECK_THAT(rebuild.reason, Catch::Contains("repair wal salvage"));
  }
  for (bool apply : {false, true}) {
    const auto keeping_damage =
        PlanOnly(f, [&] { return repair::TruncatePartition(f.dir, 25, apply ? Apply() : DryRun()); });
    CHECK(keeping_damage.verdict == PlanVerdict::kRefused);
    CHECK_THAT(keeping_damage.reason, Catch::Contains("offsets 15..15 lost"));
    CHECK_THAT(keeping_damage.reason, Catch::Contains("repair wal salvage"));
  }
  CHECK(PlanOnly(f, [&] { return repair::TruncatePartition(f.dir, 10, DryRun()); }).verdict == PlanVerdict::kRepair);
  CHECK_FALSE(PathExists(f.quarantine));
}

TEST_CASE("descriptor refuses a folder not named <tid>_<pid> and one holding another partition's files",
          "[repair][partition]") {
  test::PartitionFixture f(10);
  fs::remove(f.dir + "/replica.json");
  std::string dir;
  std::string reason;
  SECTION("misnamed") {
    dir = fs::path(f.dir).parent_path() / "orders";
    reason = "the folder's name is not <tid>_<pid>";
  }
  SECTION("named for another partition") {
    dir = fs::path(f.dir).parent_path() / "8_3";
    reason = "belongs to partition 7_3, this replica is 8_3";
  }
  fs::rename(f.dir, dir);
  for (bool apply : {false, true}) {
    const auto plan = PlanOnly(f, [&] { return repair::RewriteDescriptor(dir, "t7", apply ? Apply() : DryRun()); });
    CHECK(plan.verdict == PlanVerdict::kRefused);
    CHECK_THAT(plan.reason, Catch::Contains(reason));
    CHECK_FALSE(plan.new_descriptor.has_value());
  }
  CHECK_FALSE(PathExists(dir + "/replica.json"));
}

TEST_CASE("every partition repair refuses, touching nothing, while the replica is in use (invariant 8)",
          "[repair][partition][lock]") {
  test::PartitionFixture f(20);
  std::unique_ptr<storage::Replica> open;
  std::optional<FileLock> tablet;
  SECTION("the replica is open") { open = f.Open(); }
  SECTION("a tablet holds DATA_DIR/LOCK") { tablet.emplace(Ok(FileLock::Acquire(f.tmp / "LOCK"))); }
  // An open replica may still write into db/ on its own; its log and folder stay as they are.
  const std::string watched = open ? f.wal() : f.tmp.path();
  const std::string before = test::FingerprintTree(watched);
  for (bool apply : {false, true}) {
    repair::PartitionRepairOptions o = apply ? Apply(true) : DryRun();
    CHECK(repair::ReplayPartition(f.dir, o).status().IsBusy());
    CHECK(repair::RebuildPartition(f.dir, o).status().IsBusy());
    CHECK(repair::TruncatePartition(f.dir, 5, o).status().IsBusy());
    CHECK(repair::RewriteDescriptor(f.dir, "t7", o).status().IsBusy());
    CHECK(repair::DropSnapshots(f.dir, {"", true}, o).status().IsBusy());
  }
  CHECK(repair::VerifyPartition(f.dir).status().IsBusy());
  CHECK(test::FingerprintTree(watched) == before);
  CHECK_FALSE(PathExists(f.quarantine));
}

TEST_CASE("the quarantine defaults to the data dir's", "[repair][partition]") {
  CHECK(repair::PartitionQuarantineRoot("/d/partitions/7_3", {}) == "/d/quarantine");
  CHECK(repair::PartitionQuarantineRoot("/d/partitions/7_3/", {}) == "/d/quarantine");
  CHECK(repair::PartitionQuarantineRoot("partitions/7_3", {}) == "./quarantine");
  CHECK(repair::PartitionQuarantineRoot("/elsewhere/7_3", {}) == "/elsewhere/7_3/quarantine");
  CHECK(repair::PartitionQuarantineRoot("/d/partitions/copy", {}) == "/d/partitions/copy/quarantine");
  repair::PartitionRepairOptions o;
  o.quarantine_root = "/q";
  CHECK(repair::PartitionQuarantineRoot("/d/partitions/7_3", o) == "/q");
}

TEST_CASE("repair partition: exit codes and output", "[repair][partition][cli]") {
  test::PartitionFixture f(30);
  SECTION("dry run 0, nothing changed; --apply 0") {
    f.AppendToWal(5);
    const std::string before = test::FingerprintTree(f.tmp.path());
    auto dry = RunRepair({"partition", "replay", f.dir, "--json"});
    CHECK(dry.exit_code == 0);
    CHECK(test::FingerprintTree(f.tmp.path()) == before);
    auto lines = test::JsonLines(dry.out);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0]["verdict"] == "repair");
    CHECK(lines[0]["applied"] == false);
    CHECK_THAT(dry.err, Catch::Contains("dry run"));
    auto apply = RunRepair({"partition", "replay", f.dir, "--apply"});
    CHECK(apply.exit_code == 0);
    CHECK_THAT(apply.out, Catch::Contains("done: replayed"));
    CHECK(f.Info().applied == LogPosition{1, 35});
    auto verify = RunRepair({"partition", "verify", f.dir});
    CHECK(verify.exit_code == 0);
    CHECK_THAT(verify.out, Catch::Contains("consistent"));
  }
  SECTION("refused or inconsistent: 1") {
    f.RemoveSst();
    auto verify = RunRepair({"partition", "verify", f.dir, "--json"});
    CHECK(verify.exit_code == 1);
    auto lines = test::JsonLines(verify.out);
    REQUIRE_FALSE(lines.empty());
    CHECK(lines.back()["verdict"] == "inconsistent");
    auto replay = RunRepair({"partition", "replay", f.dir, "--apply"});
    CHECK(replay.exit_code == 1);
    CHECK_THAT(replay.err, Catch::Contains("refused"));
    CHECK_THAT(replay.err, Catch::Contains("repair partition rebuild"));
    auto lock = FileLock::Acquire(f.tmp / "LOCK");
    REQUIRE(lock.ok());
    auto busy = RunRepair({"partition", "rebuild", f.dir, "--apply"});
    CHECK(busy.exit_code == 1);
    CHECK_THAT(busy.err, Catch::Contains("LOCK"));
  }
  SECTION("bad usage or no folder: 2") {
    for (const auto& args : std::vector<std::vector<std::string>>{{"partition", "replay", f.tmp / "nope"},
                                                                  {"partition", "verify", f.tmp / "nope"},
                                                                  {"partition", "truncate", f.dir, "--after", "-1"},
                                                                  {"partition", "truncate", f.dir},
                                                                  {"partition", "descriptor", f.dir},
                                                                  {"partition", "drop-snapshot", f.dir},
                                                                  {"partition", "drop-snapshot", f.dir, "--damaged",
                                                                   "--snapshot", "1"},
                                                                  {"partition", "drop-snapshot", f.dir, "--snapshot", "9"},
                                                                  {"partition", "rebuild"}}) {
      auto run = RunRepair(args);
      INFO(args[1]);
      CHECK(run.exit_code == 2);
      CHECK(run.out.empty());
    }
  }
}
