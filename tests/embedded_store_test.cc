// The workload runner through its Store interface (ops/bench/store.h) on the
// embedded RocksDB that `ycsb-ratio` measures the playground against
// (bench/embedded_store.h): the load writes every record, the run does the
// workload's mix, each acknowledged write reads back.
#include <catch2/catch.hpp>

#include "bench/embedded_store.h"
#include "ops/bench/ledger.h"
#include "ops/bench/runner.h"
#include "ops/bench/workload.h"
#include "tests/test_util.h"

using namespace kv;
using namespace kv::bench;

TEST_CASE("a YCSB load and run on the embedded RocksDB: every record, the mix, no acknowledged write lost", "[bench]") {
  test::TempDir tmp;
  auto store = EmbeddedStore::Open(tmp / "db", "usertable");
  INFO(store.status().ToString());
  REQUIRE(store.ok());
  auto w = LoadWorkload({std::string(KV_WORKLOADS_DIR) + "/workloada"},
                        {"recordcount=200", "operationcount=400", "threadcount=4"});
  REQUIRE(w.ok());

  auto ledger = LedgerWriter::Create(tmp / "ledger", "usertable");
  REQUIRE(ledger.ok());
  auto load = RunWorkload(**store, *w, {.phase = Phase::kLoad, .table = "usertable", .ledger = ledger->get()});
  REQUIRE(load.ok());
  CHECK(load->operations == 200);
  CHECK(load->errors == 0);
  auto scanned = (*store)->Scan("usertable", "", 0);
  REQUIRE(scanned.ok());
  CHECK(*scanned == 200);  // every item a distinct key
  auto some = (*store)->Scan("usertable", "", 7);
  REQUIRE(some.ok());
  CHECK(*some == 7);

  // One thread: the embedded store's acks carry no log position, so the
  // ledger's order must be the order the updates were made in.
  w->thread_count = 1;
  auto run = RunWorkload(**store, *w, {.phase = Phase::kRun, .table = "usertable", .ledger = ledger->get()});
  REQUIRE(run.ok());
  CHECK(run->operations == 400);
  CHECK(run->errors == 0);
  CHECK(run->by_operation.at("READ").count() + run->by_operation.at("UPDATE").count() == 400);
  REQUIRE((*ledger)->Close().ok());

  auto check = CheckLedger({tmp / "ledger"}, tmp / "verify", [&](const std::string& table, const std::string& key) {
    return (*store)->Get(table, key);
  });
  REQUIRE(check.ok());
  CHECK(check->keys == 200);
  CHECK(check->checked == 200);
  CHECK(check->writes == 200 + run->by_operation.at("UPDATE").count());
  CHECK(check->lost == 0);

  // A table the store does not hold, as the client says for one the cluster lacks.
  auto other = (*store)->Put("othertable", "k", "v");
  CHECK(other.status().IsNotFound());
  auto missing = (*store)->Get("usertable", "no such key");
  REQUIRE(missing.ok());
  CHECK_FALSE(missing->has_value());
}

TEST_CASE("the embedded store starts from an empty DB and refuses a folder that holds one", "[bench]") {
  test::TempDir tmp;
  {
    auto first = EmbeddedStore::Open(tmp / "db", "t");
    REQUIRE(first.ok());
  }
  auto again = EmbeddedStore::Open(tmp / "db", "t");
  REQUIRE_FALSE(again.ok());
  CHECK_THAT(again.status().message(), Catch::Contains(tmp / "db"));
}
