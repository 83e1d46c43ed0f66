// The metadata store's contract, run on both back ends by the same bodies.
#include <catch2/catch.hpp>

#include <algorithm>
#include <thread>
#include <vector>

#include "cluster/meta/meta_key.h"
#include "cluster/meta/meta_store.h"
#include "tests/test_util.h"
#include "tests/zk_server.h"

using namespace kv;
using namespace kv::meta;

namespace {

class Backend {
 public:
  virtual ~Backend() = default;
  virtual MetaStoreOptions options() const = 0;
  // A new store on the same data: reopened (embedded) or a new session (ZooKeeper).
  std::unique_ptr<MetaStore> Open() const {
    auto store = OpenMetaStore(options());
    INFO(store.status().ToString());
    REQUIRE(store.ok());
    return std::move(store).value();
  }
  // How many stores may be open on the same data at once.
  virtual int max_open() const = 0;
};

class EmbeddedBackend : public Backend {
 public:
  MetaStoreOptions options() const override { return {.data_dir = dir_.path()}; }
  int max_open() const override { return 1; }  // the LOCK

 private:
  test::TempDir dir_;
};

class ZkBackend : public Backend {
 public:
  ZkBackend(const test::ZkServer& server, std::string root) : address_(server.address()), root_(std::move(root)) {}
  MetaStoreOptions options() const override { return {.zk_cluster = address_, .zk_root_path = root_}; }
  int max_open() const override { return 2; }  // an active and a standby nameserver

 private:
  std::string address_;
  std::string root_;
};

std::vector<std::string> Keys(const std::vector<std::pair<std::string, Versioned>>& entries) {
  std::vector<std::string> keys;
  for (const auto& [key, v] : entries) keys.push_back(key);
  return keys;
}

using Body = void (*)(const Backend&);
std::vector<std::pair<std::string, Body>>& ZkBodies() {
  static std::vector<std::pair<std::string, Body>> bodies;
  return bodies;
}
struct ZkBody {
  ZkBody(const char* description, Body body) { ZkBodies().emplace_back(description, body); }
};

}  // namespace

// Every body runs on both back ends: as its own [embedded] test case, and as a
// section of the one [zk] test case below, which shares a ZooKeeper server
// between them (starting one costs seconds of JVM) and gives each its own root.
#define META_TEST(body, description)                                                          \
  static void body(const Backend& backend);                                                   \
  TEST_CASE("embedded store: " description, "[meta][embedded]") { body(EmbeddedBackend()); } \
  static const ZkBody body##_on_zookeeper(description, body);                                 \
  static void body(const Backend& backend)

TEST_CASE("zookeeper store: the contract", "[meta][zk]") {
  static const std::unique_ptr<test::ZkServer> server = test::StartZkServerOrFail();
  for (size_t i = 0; i < ZkBodies().size(); ++i) {
    const auto& [description, body] = ZkBodies()[i];
    DYNAMIC_SECTION(description) { body(ZkBackend(*server, "/kv/test" + std::to_string(i))); }
  }
}

META_TEST(RoundTrip, "put, get and delete round trip, any bytes") {
  auto store = backend.Open();
  auto missing = store->Get("/tables/t1");
  REQUIRE(missing.ok());
  CHECK(!missing->has_value());

  const std::string binary("{\"format_version\":1}\0\xff\x01", 23);
  REQUIRE(store->Put("/tables/t1", binary).ok());
  auto got = store->Get("/tables/t1");
  REQUIRE(got.ok());
  REQUIRE(got->has_value());
  CHECK((*got)->value == binary);

  // An empty value is a value, not an absent key.
  REQUIRE(store->Put("/config/empty", "").ok());
  auto empty = store->Get("/config/empty");
  REQUIRE(empty.ok());
  REQUIRE(empty->has_value());
  CHECK((*empty)->value.empty());

  REQUIRE(store->Delete("/tables/t1").ok());
  CHECK(!store->Get("/tables/t1")->has_value());
  CHECK(store->Delete("/tables/t1").ok());  // idempotent
  CHECK(store->Delete("/never/written").ok());
}

META_TEST(VersionsIncrease, "every write gives the key a greater version") {
  auto store = backend.Open();
  std::vector<int64_t> versions;
  for (int i = 0; i < 4; ++i) {
    REQUIRE(store->Put("/ids/next_tid", std::to_string(i)).ok());
    versions.push_back(store->Get("/ids/next_tid")->value().version);
  }
  CHECK(std::is_sorted(versions.begin(), versions.end()));
  CHECK(std::adjacent_find(versions.begin(), versions.end()) == versions.end());
}

META_TEST(CompareAndSet, "compare-and-set writes only on the expected version") {
  auto store = backend.Open();
  REQUIRE(store->PutIfVersion("/ops/1", "created", kMustNotExist).ok());
  Status again = store->PutIfVersion("/ops/1", "again", kMustNotExist);
  CHECK(again.IsFailedPrecondition());
  CHECK(again.message().find("/ops/1") != std::string::npos);

  Versioned v = store->Get("/ops/1")->value();
  CHECK(v.value == "created");
  REQUIRE(store->PutIfVersion("/ops/1", "running", v.version).ok());
  // The version just used is stale now.
  CHECK(store->PutIfVersion("/ops/1", "lost", v.version).IsFailedPrecondition());
  CHECK(store->Get("/ops/1")->value().value == "running");

  CHECK(store->PutIfVersion("/ops/2", "x", 0).IsFailedPrecondition());  // no such key
  CHECK(!store->Get("/ops/2")->has_value());
  CHECK(store->PutIfVersion("/ops/2", "x", -2).IsInvalidArgument());

  REQUIRE(store->Delete("/ops/1").ok());
  CHECK(store->PutIfVersion("/ops/1", "reborn", kMustNotExist).ok());
}

META_TEST(ListDirectChildren, "list gives the keys directly inside a folder, sorted") {
  auto store = backend.Open();
  for (const char* key : {"/tables/b", "/tables/a", "/tables/b/x", "/tablesx", "/tablets/127.0.0.1:9001"}) {
    REQUIRE(store->Put(key, std::string("value of ") + key).ok());
  }
  auto tables = store->List("/tables");
  REQUIRE(tables.ok());
  CHECK(Keys(*tables) == std::vector<std::string>{"/tables/a", "/tables/b"});
  CHECK((*tables)[0].second.value == "value of /tables/a");
  CHECK((*tables)[1].second == store->Get("/tables/b")->value());

  CHECK(Keys(store->List("/").value()) == std::vector<std::string>{"/tablesx"});
  CHECK(Keys(store->List("/tables/b").value()) == std::vector<std::string>{"/tables/b/x"});
  CHECK(store->List("/nothing/here").value().empty());
  CHECK(store->List("tables").status().IsInvalidArgument());
}

META_TEST(FoldersAreNotKeys, "a path above keys is not a key, and deleting a key keeps the keys below") {
  auto store = backend.Open();
  REQUIRE(store->Put("/a/b/c", "deep").ok());
  CHECK(!store->Get("/a")->has_value());
  CHECK(!store->Get("/a/b")->has_value());
  CHECK(store->PutIfVersion("/a/b", "now a key", kMustNotExist).ok());
  CHECK(store->Get("/a/b")->value().value == "now a key");
  CHECK(Keys(store->List("/a").value()) == std::vector<std::string>{"/a/b"});

  REQUIRE(store->Delete("/a/b").ok());
  CHECK(!store->Get("/a/b")->has_value());
  CHECK(store->List("/a").value().empty());
  CHECK(store->Get("/a/b/c")->value().value == "deep");
}

META_TEST(RejectsBadKeys, "malformed keys, reserved keys and oversized values are refused") {
  auto store = backend.Open();
  for (const char* key : {"", "tables", "/", "/tables/", "//x", "/a/../b", "/a/./b", "/a b", "/x\n", "/leader",
                          "/leader/n_1"}) {
    INFO("key '" << key << "'");
    CHECK(store->Put(key, "v").IsInvalidArgument());
    CHECK(store->Get(key).status().IsInvalidArgument());
    CHECK(store->Delete(key).IsInvalidArgument());
  }
  CHECK(store->Put("/big", std::string(kMaxValueBytes + 1, 'x')).IsInvalidArgument());
  CHECK(store->Put("/big", std::string(kMaxValueBytes, 'x')).ok());
  CHECK(store->Get("/big")->value().value.size() == kMaxValueBytes);
}

META_TEST(SurvivesReopen, "data and versions survive closing the store and opening it again") {
  Versioned before;
  {
    auto store = backend.Open();
    REQUIRE(store->Put("/tables/t1", "one").ok());
    REQUIRE(store->Put("/tables/t1", "two").ok());
    REQUIRE(store->Put("/tablets/127.0.0.1:9001", "alive").ok());
    before = store->Get("/tables/t1")->value();
    REQUIRE(store->Close().ok());
    CHECK(store->Get("/tables/t1").status().IsFailedPrecondition());
    CHECK(store->Put("/tables/t1", "three").IsFailedPrecondition());
  }
  auto store = backend.Open();
  CHECK(store->Get("/tables/t1")->value() == before);
  CHECK(store->Get("/tablets/127.0.0.1:9001")->value().value == "alive");
  REQUIRE(store->PutIfVersion("/tables/t1", "three", before.version).ok());
  CHECK(store->Get("/tables/t1")->value().version != before.version);
}

META_TEST(OneWinnerPerVersion, "of concurrent compare-and-sets on one version exactly one wins") {
  auto first = backend.Open();
  auto second = backend.max_open() > 1 ? backend.Open() : nullptr;
  MetaStore* stores[] = {first.get(), second ? second.get() : first.get()};
  constexpr int kThreads = 4;
  constexpr int kIncrements = 10;
  REQUIRE(first->Put("/ids/next_tid", "0").ok());
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, store = stores[t % 2]] {
      for (int done = 0; done < kIncrements;) {
        auto current = store->Get("/ids/next_tid");
        if (!current.ok() || !current->has_value()) return;
        Status s = store->PutIfVersion("/ids/next_tid", std::to_string(std::stoi((*current)->value) + 1),
                                       (*current)->version);
        if (s.ok()) {
          ++done;
        } else if (!s.IsFailedPrecondition()) {
          return;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  // Every increment counted once: no lost update, whoever won each race.
  CHECK(first->Get("/ids/next_tid")->value().value == std::to_string(kThreads * kIncrements));
}
