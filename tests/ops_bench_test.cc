// `ops bench`'s libraries (ops/bench/): YCSB property files with overrides,
// the latency histogram's percentiles against exact ones, and the key
// choice's frequencies against YCSB's distributions.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <numeric>
#include <random>
#include <set>

#include "common/file.h"
#include "ops/bench/histogram.h"
#include "ops/bench/key_chooser.h"
#include "ops/bench/ledger.h"
#include "ops/bench/status_line.h"
#include "ops/bench/workload.h"
#include "tests/test_util.h"

using namespace kv;
using namespace kv::bench;

namespace {

std::string Shipped(const std::string& name) { return std::string(KV_WORKLOADS_DIR) + "/" + name; }

}  // namespace

TEST_CASE("the six shipped core workloads read as YCSB defines them", "[ops][bench]") {
  struct Expected {
    const char* file;
    double read, update, insert, scan, rmw;
    Distribution distribution;
  };
  const Expected all[] = {{"workloada", 0.5, 0.5, 0, 0, 0, Distribution::kZipfian},
                          {"workloadb", 0.95, 0.05, 0, 0, 0, Distribution::kZipfian},
                          {"workloadc", 1, 0, 0, 0, 0, Distribution::kZipfian},
                          {"workloadd", 0.95, 0, 0.05, 0, 0, Distribution::kLatest},
                          {"workloade", 0, 0, 0.05, 0.95, 0, Distribution::kZipfian},
                          {"workloadf", 0.5, 0, 0, 0, 0.5, Distribution::kZipfian}};
  for (const Expected& e : all) {
    INFO(e.file);
    auto w = LoadWorkload({Shipped(e.file)}, {});
    INFO(w.status().ToString());
    REQUIRE(w.ok());
    CHECK(w->record_count == 1000);
    CHECK(w->operation_count == 1000);
    CHECK(w->field_count == 10);
    CHECK(w->field_length == 100);
    CHECK(w->read == Approx(e.read));
    CHECK(w->update == Approx(e.update));
    CHECK(w->insert == Approx(e.insert));
    CHECK(w->scan == Approx(e.scan));
    CHECK(w->read_modify_write == Approx(e.rmw));
    CHECK(w->distribution == e.distribution);
    CHECK(w->unknown.empty());
  }
  auto e = LoadWorkload({Shipped("workloade")}, {});
  REQUIRE(e.ok());
  CHECK(e->max_scan_length == 100);
}

TEST_CASE("workload overrides: later files and -p win, and bad input names where it is", "[ops][bench]") {
  test::TempDir tmp;
  const std::string base = tmp / "base";
  test::WriteFile(base, "# a comment\n\nrecordcount = 5000\nthreadcount=4\nreadproportion=1\n");
  auto w = LoadWorkload({base}, {"recordcount=20", "target=300", "status.interval=2", "typo.key=1"});
  INFO(w.status().ToString());
  REQUIRE(w.ok());
  CHECK(w->record_count == 20);
  CHECK(w->thread_count == 4);
  CHECK(w->target_ops == Approx(300));
  CHECK(w->status_interval_s == 2);
  CHECK(w->unknown == std::vector<std::string>{"typo.key"});

  auto error_of = [&](const std::string& text, const std::vector<std::string>& overrides = {}) {
    test::WriteFile(tmp / "bad", text);
    auto r = LoadWorkload({tmp / "bad"}, overrides);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().IsInvalidArgument());
    return r.status().message();
  };
  CHECK_THAT(error_of("readproportion=1\nno equals sign\n"), Catch::Contains(tmp / "bad" + ":2"));
  CHECK_THAT(error_of("readproportion=1\nrecordcount=many\n"),
             Catch::Contains(":2") && Catch::Contains("recordcount=many is not a number"));
  CHECK_THAT(error_of("readproportion=1.5\n"), Catch::Contains(":1") && Catch::Contains("[0, 1]"));
  CHECK_THAT(error_of("readproportion=0\nupdateproportion=0\n"), Catch::Contains("sums to 0"));
  CHECK_THAT(error_of("readproportion=1\nrequestdistribution=gaussian\n"), Catch::Contains("gaussian"));
  CHECK_THAT(error_of("readproportion=1\n", {"threadcount=0"}), Catch::Contains("-p threadcount=0"));
  auto missing = LoadWorkload({tmp / "nope"}, {});
  CHECK(missing.status().IsNotFound());
}

TEST_CASE("histogram percentiles stay within 1/64 of the exact ones, in bounded memory", "[ops][bench]") {
  std::mt19937_64 random(7);
  std::lognormal_distribution<double> latency(6.0, 1.2);  // a long tail around 400 us
  LatencyHistogram h;
  std::vector<uint64_t> exact;
  for (int i = 0; i < 200000; ++i) {
    const uint64_t us = uint64_t(latency(random));
    h.Record(us);
    exact.push_back(us);
  }
  std::sort(exact.begin(), exact.end());
  CHECK(h.count() == exact.size());
  CHECK(h.min() == exact.front());
  CHECK(h.max() == exact.back());
  for (double p : {50.0, 90.0, 95.0, 99.0, 99.9, 99.99}) {
    INFO("p" << p);
    const uint64_t want = exact[size_t(std::ceil(p / 100 * double(exact.size()))) - 1];
    const uint64_t got = h.Percentile(p);
    CHECK(got >= want);
    CHECK(double(got) <= double(want) * (1 + 1.0 / 64) + 1);
  }
  CHECK(h.Percentile(100) == exact.back());
  CHECK(sizeof(LatencyHistogram) < 20000);

  SECTION("merged halves are the whole") {
    LatencyHistogram a, b;
    for (size_t i = 0; i < exact.size(); ++i) (i % 2 ? a : b).Record(exact[i]);
    a.Merge(b);
    CHECK(a.count() == h.count());
    CHECK(a.Percentile(99) == h.Percentile(99));
    CHECK(a.mean() == Approx(h.mean()));
  }
  SECTION("small values are exact, and nothing recorded reads 0") {
    LatencyHistogram small;
    for (uint64_t v : {3, 7, 7, 100}) small.Record(v);
    CHECK(small.Percentile(50) == 7);
    CHECK(small.Percentile(100) == 100);
    CHECK(LatencyHistogram().Percentile(99) == 0);
  }
}

TEST_CASE("key choice: zipfian as YCSB's generator, scrambled over the key space, latest follows the inserts",
          "[ops][bench]") {
  constexpr uint64_t kItems = 1000;
  constexpr int kDraws = 200000;
  std::mt19937_64 random(11);
  double zetan = 0;
  for (uint64_t i = 1; i <= kItems; ++i) zetan += 1.0 / std::pow(double(i), ZipfianGenerator::kTheta);

  SECTION("zipfian: item i drawn with probability 1 / ((i+1)^0.99 zeta(n))") {
    const ZipfianGenerator zipf(kItems);
    std::vector<int> seen(kItems);
    for (int i = 0; i < kDraws; ++i) ++seen[zipf.Next(random)];
    for (uint64_t item : {0, 1, 9}) {
      INFO("item " << item);
      const double want = kDraws / (std::pow(double(item + 1), ZipfianGenerator::kTheta) * zetan);
      CHECK(double(seen[item]) == Approx(want).epsilon(0.1));
    }
    CHECK(std::max_element(seen.begin(), seen.end()) == seen.begin());
  }
  SECTION("scrambled: the hot items are spread, not the first keys") {
    const KeyChooser chooser(Distribution::kZipfian, kItems);
    std::vector<int> seen(kItems);
    for (int i = 0; i < kDraws; ++i) ++seen[chooser.Next(random, kItems)];
    std::vector<uint64_t> hottest(kItems);
    std::iota(hottest.begin(), hottest.end(), 0);
    std::partial_sort(hottest.begin(), hottest.begin() + 8, hottest.end(),
                      [&](uint64_t a, uint64_t b) { return seen[a] > seen[b]; });
    std::set<uint64_t> eighths;
    for (int i = 0; i < 8; ++i) eighths.insert(hottest[i] * 8 / kItems);
    CHECK(eighths.size() >= 3);  // the eight hottest items fall in several eighths of the key space
    CHECK(double(seen[hottest[0]]) == Approx(kDraws / zetan).epsilon(0.1));
  }
  SECTION("latest: the newest item is the hottest, and it follows new inserts") {
    const KeyChooser chooser(Distribution::kLatest, kItems);
    std::vector<int> seen(kItems + 500);
    for (int i = 0; i < kDraws; ++i) ++seen[chooser.Next(random, kItems + 500)];
    CHECK(std::max_element(seen.begin(), seen.end()) - seen.begin() == long(kItems + 499));
  }
  SECTION("uniform: every tenth of the items gets a tenth of the draws") {
    const KeyChooser chooser(Distribution::kUniform, kItems);
    std::vector<int> tenths(10);
    for (int i = 0; i < kDraws; ++i) ++tenths[chooser.Next(random, kItems) / 100];
    for (int t : tenths) CHECK(double(t) == Approx(kDraws / 10.0).epsilon(0.05));
  }
  SECTION("keys: YCSB's hashed names, one per item") {
    std::set<std::string> names;
    for (uint64_t i = 0; i < 10000; ++i) names.insert(KeyName(i));
    CHECK(names.size() == 10000);
    CHECK(KeyName(0).rfind("user", 0) == 0);
    CHECK(KeyName(42) == KeyName(42));
  }
}

TEST_CASE("status lines in go-ycsb's shape, which its readers parse", "[ops][bench]") {
  LatencyHistogram h;
  for (uint64_t us = 1; us <= 100; ++us) h.Record(us);
  const std::string line = StatusLine("READ", 10.0, h);
  CHECK(line ==
        "READ   - Takes(s): 10.0, Count: 100, OPS: 10.0, Avg(us): 50, Min(us): 1, Max(us): 100, 50th(us): 50, "
        "90th(us): 90, 95th(us): 95, 99th(us): 99, 99.9th(us): 100, 99.99th(us): 100");
  CHECK_THAT(StatusLine("UPDATE_ERROR", 2.5, LatencyHistogram()),
             Catch::StartsWith("UPDATE_ERROR - Takes(s): 2.5, Count: 0, OPS: 0.0, Avg(us): 0, Min(us): 0"));
}

TEST_CASE("the ledger: a key's last write is its greatest (term, offset), whatever order the acknowledgements came in",
          "[ops][bench]") {
  test::TempDir tmp;
  const std::string path = tmp / "ledger";
  {
    auto ledger = LedgerWriter::Create(path, "usertable");
    REQUIRE(ledger.ok());
    // Two threads updated user1: the store logged "new" after "old", the ledger got them the other way round.
    (*ledger)->Acknowledged("user1", "new", 3, 2, 21);
    (*ledger)->Acknowledged("user1", "old", 3, 2, 20);
    // A newer term wins over a greater offset of an older one (a failover cut the old leader's tail).
    (*ledger)->Acknowledged("user2", "term 3", 0, 3, 5);
    (*ledger)->Acknowledged("user2", "term 2", 0, 2, 50);
    // No log positions (a store without a log): the ledger's order.
    (*ledger)->Acknowledged("user3", "first", 0, 0, 0);
    (*ledger)->Acknowledged("user3", "second", 0, 0, 0);
    REQUIRE((*ledger)->Close().ok());
  }
  const std::map<std::string, std::string> store = {{"user1", "new"}, {"user2", "term 3"}, {"user3", "second"}};
  auto check = CheckLedger({path}, tmp / "work", [&](const std::string&, const std::string& key) {
    return Result<std::optional<std::string>>(store.at(key));
  });
  REQUIRE(check.ok());
  CHECK(check->keys == 3);
  CHECK(check->overwritten == 3);
  CHECK(check->checked == 3);
  CHECK(check->lost == 0);
}

TEST_CASE("the ledger: each key's last acknowledged write must read back, earlier ones count as overwritten",
          "[ops][bench]") {
  test::TempDir tmp;
  const std::string path = tmp / "ledger";
  {
    auto ledger = LedgerWriter::Create(path, "usertable");
    REQUIRE(ledger.ok());
    (*ledger)->Acknowledged("user1", "v1", 0, 1, 10);
    (*ledger)->Acknowledged("user2", "v2", 1, 1, 11);
    (*ledger)->Acknowledged("user1", "v3", 0, 1, 12);
    (*ledger)->Acknowledged("user3", "v4", 0, 1, 13);
    REQUIRE((*ledger)->Close().ok());
  }
  CHECK_FALSE(LedgerWriter::Create(path, "usertable").ok());  // never reused

  std::map<std::string, std::string> store = {{"user1", "v3"}, {"user2", "v2"}, {"user3", "other"}};
  std::vector<std::string> tables;
  auto read = [&](const std::string& table, const std::string& key) -> Result<std::optional<std::string>> {
    tables.push_back(table);
    auto it = store.find(key);
    return it == store.end() ? std::optional<std::string>() : std::optional<std::string>(it->second);
  };
  auto check = CheckLedger({path}, tmp / "work", read);
  INFO(check.status().ToString());
  REQUIRE(check.ok());
  CHECK(check->table == "usertable");
  CHECK(check->writes == 4);
  CHECK(check->keys == 3);
  CHECK(check->overwritten == 1);
  CHECK(check->checked == 2);
  CHECK(check->lost == 1);  // user3 holds another value
  CHECK_THAT(check->first_lost, Catch::Contains("user3") && Catch::Contains(path + ":5"));
  CHECK(tables == std::vector<std::string>(3, "usertable"));
  CHECK_FALSE(PathExists(tmp / "work"));

  store.erase("user2");
  auto missing = CheckLedger({path}, tmp / "work", read);
  REQUIRE(missing.ok());
  CHECK(missing->lost == 2);

  test::WriteFile(tmp / "bad", "# kv-ledger 1 table=t\nuser1\tnot a ledger line\n");
  auto bad = CheckLedger({tmp / "bad"}, tmp / "work", read);
  CHECK(bad.status().IsInvalidArgument());
  CHECK_THAT(bad.status().message(), Catch::Contains(":2"));
  CHECK_FALSE(PathExists(tmp / "work"));
  test::WriteFile(tmp / "foreign", "key,value\n");
  CHECK(CheckLedger({tmp / "foreign"}, tmp / "work", read).status().IsInvalidArgument());
}

TEST_CASE("ledgers checked together: a load's, then a run's over the same keys, and a reopened ledger loses its torn line",
          "[ops][bench]") {
  test::TempDir tmp;
  const std::string load = tmp / "load.ledger", run = tmp / "run.ledger";
  {
    auto ledger = LedgerWriter::Create(load, "usertable");
    REQUIRE(ledger.ok());
    (*ledger)->Acknowledged("user1", "v1", 0, 1, 10);
    (*ledger)->Acknowledged("user2", "v2", 1, 1, 11);
    REQUIRE((*ledger)->Close().ok());
  }
  {
    auto ledger = LedgerWriter::Create(run, "usertable");
    REQUIRE(ledger.ok());
    (*ledger)->Acknowledged("user1", "v3", 0, 1, 12);
    REQUIRE((*ledger)->Close().ok());
  }
  // The writer of a run that was interrupted died in the middle of a line.
  test::WriteFile(run, *ReadWholeFile(run) + "user2\t1234");
  REQUIRE_FALSE(LedgerWriter::Reopen(run, "othertable").ok());
  {
    auto ledger = LedgerWriter::Reopen(run, "usertable");
    REQUIRE(ledger.ok());
    (*ledger)->Acknowledged("user2", "v4", 1, 2, 3);
    REQUIRE((*ledger)->Close().ok());
  }
  std::map<std::string, std::string> store = {{"user1", "v3"}, {"user2", "v4"}};
  auto read = [&](const std::string&, const std::string& key) -> Result<std::optional<std::string>> {
    auto it = store.find(key);
    return it == store.end() ? std::optional<std::string>() : std::optional<std::string>(it->second);
  };
  auto both = CheckLedger({load, run}, tmp / "work", read);
  INFO(both.status().ToString());
  REQUIRE(both.ok());
  CHECK(both->writes == 4);
  CHECK(both->keys == 2);
  CHECK(both->overwritten == 2);
  CHECK(both->lost == 0);
  // The load's ledger alone expects values the run replaced.
  auto load_only = CheckLedger({load}, tmp / "work", read);
  REQUIRE(load_only.ok());
  CHECK(load_only->lost == 2);
  // The run's last write of user2 lost: named by its file and line.
  store["user2"] = "v2";
  auto lost = CheckLedger({load, run}, tmp / "work", read);
  REQUIRE(lost.ok());
  CHECK(lost->lost == 1);
  CHECK_THAT(lost->first_lost, Catch::Contains("user2") && Catch::Contains(run + ":3"));
  // Ledgers of two tables are not checked together.
  REQUIRE(LedgerWriter::Create(tmp / "other", "othertable").ok());
  CHECK(CheckLedger({load, tmp / "other"}, tmp / "work", read).status().IsInvalidArgument());
}
