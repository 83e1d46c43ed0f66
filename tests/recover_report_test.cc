// What `ops recoverdata` reads: `inspect tablet --json` reports of tablets
// that cannot start (one made by the real inspect library from a replica on
// disk, others written by hand to reach every health), and its own collect
// file, including truncated and foreign input.
#include <catch2/catch.hpp>

#include "inspect/tablet_inspect.h"
#include "ops/recover/offline_report.h"
#include "ops/recover/plan.h"
#include "tests/partition_tools_fixtures.h"
#include "tests/test_util.h"

namespace kv::recover {
namespace {

using nlohmann::json;

std::string Report(const std::string& endpoint, const std::vector<json>& replicas, size_t counted) {
  std::string out = json{{"type", "tablet"},
                         {"format_version", 1},
                         {"data_dir", "/data/t1"},
                         {"tablet", {{"endpoint", endpoint}, {"tablet_id", "tb1"}, {"format_version", 1}}},
                         {"lock_held", false},
                         {"replicas", counted},
                         {"collected", "2026-12-06T15:00:00Z"}}
                        .dump() +
                    "\n";
  for (const json& r : replicas) out += r.dump() + "\n";
  return out;
}

json ReplicaLine(uint32_t pid, uint64_t last_offset, const std::vector<std::string>& finding_kinds) {
  json findings = json::array();
  for (const std::string& k : finding_kinds) findings.push_back({{"kind", k}, {"text", k + " here"}, {"fix", "..."}});
  return {{"type", "replica"},         {"format_version", 1},
          {"dir", "/data/t1/partitions/7_" + std::to_string(pid)},
          {"tid", 7},                  {"pid", pid},
          {"table", "orders"},         {"role", "follower"},
          {"term", 2},                 {"last_term", 2},
          {"last_offset", last_offset}, {"applied_offset", last_offset - 5},
          {"snapshot_offset", nullptr}, {"health", finding_kinds.empty() ? "ok" : finding_kinds[0]},
          {"findings", findings},
          {"settings", {{"format_version", 1}, {"table", "orders"}, {"replica_count", 3}, {"acks", "majority"}}}};
}

}  // namespace

TEST_CASE("an inspect tablet report becomes the tablet's replicas, their health and the table's settings", "[recover]") {
  const std::string text = Report("127.0.0.1:9527",
                                  {ReplicaLine(0, 100, {}), ReplicaLine(1, 90, {"torn-tail", "needs-replay"}),
                                   ReplicaLine(2, 80, {"wal-damaged", "needs-replay"}), ReplicaLine(3, 70, {"sst-damaged"}),
                                   ReplicaLine(4, 60, {"descriptor-missing", "wal-damaged"})},
                                  5);
  auto c = ParseInspectTabletReport(text, "t1.json");
  REQUIRE(c.ok());
  REQUIRE(c->tablets.size() == 1);
  CHECK(c->tablets[0].endpoint == "127.0.0.1:9527");
  CHECK(c->tablets[0].source == Source::kOffline);
  REQUIRE(c->replicas.size() == 5);
  CHECK(c->replicas[0].health == Health::kOk);
  CHECK(c->replicas[0].last == Position{2, 100});
  CHECK(c->replicas[0].applied_offset == 95u);
  CHECK(c->replicas[1].health == Health::kOk);
  CHECK(c->replicas[1].reason == "torn-tail, needs-replay");
  CHECK(c->replicas[2].health == Health::kWalDamaged);
  CHECK(c->replicas[2].reason == "wal-damaged: wal-damaged here");
  CHECK(c->replicas[3].health == Health::kSstDamaged);
  CHECK(c->replicas[4].health == Health::kUnreadable);
  REQUIRE(c->tables.size() == 1);
  CHECK(c->tables[0].name == "orders");
  CHECK(c->tables[0].partition_count == 5);
  CHECK(c->tables[0].replica_count == 3);
  CHECK(c->tables[0].source == "replicas");
}

TEST_CASE("a truncated or foreign report is refused with one line", "[recover]") {
  const std::string whole = Report("127.0.0.1:9527", {ReplicaLine(0, 100, {}), ReplicaLine(1, 100, {})}, 2);
  auto refused = [](const std::string& text) {
    auto c = ParseInspectTabletReport(text, "t1.json");
    REQUIRE_FALSE(c.ok());
    CHECK(c.status().IsInvalidArgument());
    CHECK(c.status().message().find('\n') == std::string::npos);
    CHECK(c.status().message().rfind("t1.json", 0) == 0);
    return c.status().message();
  };
  CHECK(refused(whole.substr(0, whole.rfind('{'))).find("truncated") != std::string::npos);
  CHECK(refused(whole.substr(0, whole.size() - 10)).find("not a JSON object") != std::string::npos);
  CHECK(refused("{\"type\":\"replica\",\"format_version\":1}\n").find("not an `inspect tablet") != std::string::npos);
  CHECK(refused("hello\n").find("line 1") != std::string::npos);
  CHECK(refused("").find("empty") != std::string::npos);
  CHECK(refused(Report("", {}, 0)).find("names no endpoint") != std::string::npos);
  std::string future = whole;
  future.replace(future.find("\"format_version\":1"), 18, "\"format_version\":9");
  CHECK(refused(future).find("format_version 9") != std::string::npos);
  Collection c;
  CHECK(refused(CollectionToJsonLines(c)).find("give it with --collected") != std::string::npos);
}

TEST_CASE("the report of a real replica on disk, from the inspect library", "[recover]") {
  test::PartitionFixture fixture(200);
  const std::string data_dir = fixture.tmp.path();
  test::WriteFile(data_dir + "/tablet.json", R"({"format_version":1,"endpoint":"127.0.0.1:9600","tablet_id":"tbx"})");
  auto inspect = [&] {
    auto report = inspect::InspectTablet(data_dir, {});
    REQUIRE(report.ok());
    std::string text = inspect::TabletHeaderJson(*report).dump() + "\n";
    for (const auto& p : report->replicas) text += inspect::PartitionReportJson(p).dump() + "\n";
    auto c = ParseInspectTabletReport(text, "real.json");
    REQUIRE(c.ok());
    REQUIRE(c->replicas.size() == 1);
    return c->replicas[0];
  };
  const CollectedReplica healthy = inspect();
  CHECK(healthy.endpoint == "127.0.0.1:9600");
  CHECK(healthy.tid == 7);
  CHECK(healthy.pid == 3);
  CHECK(healthy.last == Position{1, 200});
  CHECK(healthy.applied_offset == 200u);
  CHECK(healthy.health == Health::kOk);

  fixture.RemoveSst();
  const CollectedReplica damaged = inspect();
  CHECK(damaged.health == Health::kSstDamaged);
  INFO(damaged.reason);  // RocksDB refuses to open without a listed SST
  CHECK(damaged.reason.rfind("db-unreadable", 0) == 0);
}

TEST_CASE("the collect file round-trips and refuses truncated or foreign input", "[recover]") {
  Collection c;
  c.nameservers = {"127.0.0.1:9000"};
  c.collected = "2026-12-06T15:00:00Z";
  c.unreachable = {"127.0.0.1:9003: deadline exceeded"};
  c.partial = true;
  c.tablets = {{"127.0.0.1:9001", "", Source::kOnline, "GetStatus"}};
  c.tables = {{"orders", 7, 2, 3, false, "nameserver"}};
  c.placements = {{"orders", 7, 0, 4, "127.0.0.1:9001", {{"127.0.0.1:9001", true}, {"127.0.0.1:9003", false}}}};
  CollectedReplica r;
  r.table = "orders";
  r.tid = 7;
  r.endpoint = "127.0.0.1:9001";
  r.last = {4, 17};
  r.applied_offset = 17;
  r.origin = "GetStatus";
  c.replicas = {r};
  const std::string text = CollectionToJsonLines(c);
  auto parsed = ParseCollectionJsonLines(text, "c.json");
  REQUIRE(parsed.ok());
  CHECK(CollectionToJsonLines(*parsed) == text);
  CHECK(CollectionFingerprint(*parsed) == CollectionFingerprint(c));

  auto truncated = ParseCollectionJsonLines(text.substr(0, text.rfind('{')), "c.json");
  REQUIRE_FALSE(truncated.ok());
  CHECK(truncated.status().message() == "c.json: truncated: the header counts 1 replica lines, the file has 0");
  auto report = ParseCollectionJsonLines(Report("127.0.0.1:1", {}, 0), "c.json");
  REQUIRE_FALSE(report.ok());
  CHECK(report.status().message().find("give it with --offline") != std::string::npos);
}

TEST_CASE("merging collections: one reading per tablet, online first", "[recover]") {
  auto tablet_with = [](const std::string& ep, Source source, uint64_t offset) {
    Collection c;
    c.tablets = {{ep, "", source, source == Source::kOnline ? "GetStatus" : ep + ".json"}};
    CollectedReplica r;
    r.table = "orders";
    r.tid = 7;
    r.endpoint = ep;
    r.last = {1, offset};
    r.source = source;
    c.replicas = {r};
    return c;
  };
  Collection all;
  REQUIRE(Merge(&all, tablet_with("a:1", Source::kOffline, 5)).ok());
  REQUIRE(Merge(&all, tablet_with("a:1", Source::kOnline, 9)).ok());
  REQUIRE(all.replicas.size() == 1);
  CHECK(all.replicas[0].last.offset == 9);
  REQUIRE(Merge(&all, tablet_with("a:1", Source::kOffline, 5)).ok());
  CHECK(all.replicas[0].last.offset == 9);
  REQUIRE(Merge(&all, tablet_with("b:1", Source::kOffline, 5)).ok());
  auto twice = Merge(&all, tablet_with("b:1", Source::kOffline, 6));
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.message().find("given twice") != std::string::npos);

  Collection other_cluster;
  other_cluster.tables = {{"orders", 8, 1, 3, true, "nameserver"}};
  Collection mine;
  mine.tables = {{"orders", 7, 1, 3, true, "nameserver"}};
  CHECK(Merge(&mine, other_cluster).IsInvalidArgument());
}

}  // namespace kv::recover
