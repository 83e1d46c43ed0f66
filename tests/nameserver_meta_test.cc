// The nameserver's metadata documents (cluster/nameserver/README.md): encode,
// store in the embedded MetaStore, load back; damaged documents and writes by
// someone else are refused, never misread.
#include <catch2/catch.hpp>

#include "cluster/meta/meta_store.h"
#include "cluster/nameserver/cluster_config.h"
#include "cluster/nameserver/meta_repository.h"
#include "tests/test_util.h"

using namespace kv;
using namespace kv::ns;

namespace {

TableMeta SampleTable() {
  TableMeta table{.name = "orders-2024_eu",
                  .tid = 7,
                  .state = TableState::kNormal,
                  .replica_count = 2,
                  .acks = v1::ACKS_LEADER,
                  .wal_level = 2,
                  .wal_fsync_period_ms = 10,
                  .created_at_ms = 1700000000123};
  for (uint32_t pid = 0; pid < 3; ++pid) {
    table.partitions.push_back({.pid = pid,
                                .term = 4 + pid,
                                .leader = pid == 2 ? "" : "127.0.0.1:9001",
                                .replicas = {{"127.0.0.1:9001", v1::LEADER, true},
                                             {"127.0.0.1:9002", v1::FOLLOWER, pid != 1}}});
  }
  return table;
}

void RequireSameTable(const TableMeta& a, const TableMeta& b) {
  CHECK(EncodeTable(a) == EncodeTable(b));
  CHECK(a.name == b.name);
  CHECK(a.tid == b.tid);
  CHECK(a.state == b.state);
  CHECK(a.acks == b.acks);
  REQUIRE(a.partitions.size() == b.partitions.size());
  for (size_t i = 0; i < a.partitions.size(); ++i) {
    CHECK(a.partitions[i].term == b.partitions[i].term);
    CHECK(a.partitions[i].leader == b.partitions[i].leader);
    REQUIRE(a.partitions[i].replicas.size() == b.partitions[i].replicas.size());
    for (size_t r = 0; r < a.partitions[i].replicas.size(); ++r) {
      CHECK(a.partitions[i].replicas[r].endpoint == b.partitions[i].replicas[r].endpoint);
      CHECK(a.partitions[i].replicas[r].role == b.partitions[i].replicas[r].role);
      CHECK(a.partitions[i].replicas[r].is_alive == b.partitions[i].replicas[r].is_alive);
    }
  }
}

std::unique_ptr<meta::MetaStore> OpenStore(const test::TempDir& dir) {
  auto store = meta::OpenMetaStore({.data_dir = dir.path()});
  INFO(store.status().ToString());
  REQUIRE(store.ok());
  return std::move(store).value();
}

}  // namespace

TEST_CASE("metadata: tables, tablets and config round-trip through the embedded store, across a reopen") {
  test::TempDir dir;
  const TableMeta table = SampleTable();
  const TabletMeta tablet{.endpoint = "127.0.0.1:9001",
                          .tablet_id = "t-1",
                          .data_dir = "/data/t1",
                          .incarnation = 0xfedcba9876543210,  // above 2^63: kept whole
                          .state = TabletState::kOffline,
                          .registered_at_ms = 11,
                          .state_changed_at_ms = 22};
  {
    auto store = OpenStore(dir);
    MetaRepository repository(store.get());
    REQUIRE(repository.LoadAll().ok());
    REQUIRE(repository.SaveTable(table).ok());
    REQUIRE(repository.SaveTablet(tablet).ok());
    REQUIRE(repository.SaveConfig("auto_failover", "false").ok());
    CHECK(*repository.AllocateTid() == 1);
    CHECK(*repository.AllocateTid() == 2);
  }
  auto store = OpenStore(dir);
  MetaRepository repository(store.get());
  Result<ClusterMetadata> loaded = repository.LoadAll();
  INFO(loaded.status().ToString());
  REQUIRE(loaded.ok());
  REQUIRE(loaded->tables.size() == 1);
  RequireSameTable(loaded->tables[0], table);
  REQUIRE(loaded->tablets.size() == 1);
  CHECK(EncodeTablet(loaded->tablets[0]) == EncodeTablet(tablet));
  CHECK(loaded->tablets[0].incarnation == tablet.incarnation);
  CHECK(*loaded->config.Get("auto_failover") == "false");
  CHECK(*loaded->config.Get("replica_down_timeout_ms") == "1800000");  // the default
  CHECK(*repository.AllocateTid() == 3);  // ids are never handed out twice

  // Every value names its format.
  auto stored = store->Get("/tables/orders-2024_eu");
  REQUIRE(stored.ok());
  REQUIRE(stored->has_value());
  CHECK((*stored)->value.find("\"format_version\":1") != std::string::npos);
}

TEST_CASE("metadata: a table can be deleted, and the change survives a reload") {
  test::TempDir dir;
  auto store = OpenStore(dir);
  MetaRepository repository(store.get());
  REQUIRE(repository.SaveTable(SampleTable()).ok());
  REQUIRE(repository.DeleteTable("orders-2024_eu").ok());
  CHECK(repository.LoadAll()->tables.empty());
}

TEST_CASE("metadata: damaged documents are refused with the key and the field") {
  test::TempDir dir;
  auto store = OpenStore(dir);
  MetaRepository repository(store.get());

  SECTION("not JSON") {
    REQUIRE(store->Put("/tables/t1", "{oops").ok());
    Result<ClusterMetadata> loaded = repository.LoadAll();
    REQUIRE(loaded.status().IsCorruption());
    CHECK(loaded.status().message().find("/tables/t1") != std::string::npos);
  }
  SECTION("a field of the wrong type") {
    std::string doc = EncodeTable(SampleTable());
    doc.replace(doc.find("\"tid\":7"), 7, "\"tid\":\"7\"");
    REQUIRE(store->Put("/tables/orders-2024_eu", doc).ok());
    Result<ClusterMetadata> loaded = repository.LoadAll();
    REQUIRE(loaded.status().IsCorruption());
    CHECK(loaded.status().message().find("field tid") != std::string::npos);
  }
  SECTION("a document stored under another table's name") {
    REQUIRE(store->Put("/tables/other", EncodeTable(SampleTable())).ok());
    CHECK(repository.LoadAll().status().IsCorruption());
  }
  SECTION("an unknown config key") {
    REQUIRE(store->Put("/config/auto_failovr", EncodeConfigValue("true")).ok());
    Result<ClusterMetadata> loaded = repository.LoadAll();
    REQUIRE(loaded.status().IsCorruption());
    CHECK(loaded.status().message().find("auto_failovr") != std::string::npos);
  }
  SECTION("a newer format version") {
    REQUIRE(store->Put("/tablets/127.0.0.1:1",
                       "{\"format_version\":2,\"endpoint\":\"127.0.0.1:1\"}")
                .ok());
    Result<ClusterMetadata> loaded = repository.LoadAll();
    REQUIRE(loaded.status().IsFailedPrecondition());
    CHECK(loaded.status().message().find("format_version 2") != std::string::npos);
  }
}

TEST_CASE("metadata: a write after someone else changed the key fails as Aborted (a replaced nameserver)") {
  test::TempDir dir;
  auto store = OpenStore(dir);
  MetaRepository active(store.get());
  TableMeta table = SampleTable();
  REQUIRE(active.SaveTable(table).ok());

  // Another nameserver (sharing the store) takes over and writes the table.
  MetaRepository successor(store.get());
  REQUIRE(successor.LoadAll().ok());
  table.partitions[0].term = 99;
  REQUIRE(successor.SaveTable(table).ok());

  table.partitions[0].term = 5;
  Status stale = active.SaveTable(table);
  CHECK(stale.code() == Status::Code::kAborted);
  CHECK(stale.message().find("no longer the active one") != std::string::npos);
  CHECK(active.DeleteTable(table.name).code() == Status::Code::kAborted);
  CHECK(successor.LoadAll()->tables[0].partitions[0].term == 99);

  SECTION("a key created by someone else is not overwritten either") {
    MetaRepository fresh(store.get());  // never read the table
    CHECK(fresh.SaveTable(table).code() == Status::Code::kAborted);
  }
}

TEST_CASE("config: only known keys with valid values, in canonical form") {
  CHECK(*ClusterConfig::Validate("auto_failover", "TRUE") == "true");
  CHECK(*ClusterConfig::Validate("auto_failover", "false") == "false");
  CHECK(*ClusterConfig::Validate("auto_balance", "False") == "false");
  CHECK(*ClusterConfig::Validate("replica_down_timeout_ms", "60000") == "60000");

  Result<std::string> unknown = ClusterConfig::Validate("auto_failovr", "true");
  REQUIRE(unknown.status().IsInvalidArgument());
  CHECK(unknown.status().message().find("unknown config key 'auto_failovr'") != std::string::npos);
  CHECK(unknown.status().message().find("auto_failover") != std::string::npos);

  for (const char* bad : {"", "yes", "1"}) {
    Result<std::string> r = ClusterConfig::Validate("auto_failover", bad);
    REQUIRE(r.status().IsInvalidArgument());
    CHECK(r.status().message().find("true or false") != std::string::npos);
  }
  for (const char* bad : {"", "-5", "10", "abc", "1000x", "99999999999999999999"}) {
    INFO(bad);
    CHECK(ClusterConfig::Validate("replica_down_timeout_ms", bad).status().IsInvalidArgument());
  }

  ClusterConfig config;
  CHECK(config.All().size() == 3);
  CHECK(*config.Get("auto_failover") == "true");
  CHECK(config.Get("nope").status().IsInvalidArgument());
}
