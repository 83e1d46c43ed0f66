// What only the ZooKeeper back end meets: servers that go away, come back, or
// forget a client's session.
#include <catch2/catch.hpp>

#include <future>

#include "cluster/meta/meta_store.h"
#include "cluster/meta/zk_client.h"
#include "cluster/meta/zk_store.h"
#include "tests/zk_server.h"

using namespace kv;
using namespace kv::meta;
using namespace std::chrono_literals;

namespace {

MetaStoreOptions ZkOptions(const test::ZkServer& server, std::chrono::milliseconds operation_timeout = 20s) {
  return {.zk_cluster = server.address(),
          .zk_root_path = "/kv",
          .zk_session_timeout = 2s,
          .zk_operation_timeout = operation_timeout};
}

std::unique_ptr<MetaStore> Open(const MetaStoreOptions& options) {
  auto store = OpenMetaStore(options);
  INFO(store.status().ToString());
  REQUIRE(store.ok());
  return std::move(store).value();
}

}  // namespace

TEST_CASE("zookeeper store: while the server is down calls fail clearly, and succeed again once it is back",
          "[meta][zk]") {
  auto server = test::StartZkServerOrFail();
  auto patient = Open(ZkOptions(*server));
  auto hasty = Open(ZkOptions(*server, 300ms));
  REQUIRE(patient->Put("/tables/t1", "before").ok());

  server->Stop();
  Status down = hasty->Get("/tables/t1").status();
  CHECK(down.IsIOError());
  CHECK(down.message().find(server->address()) != std::string::npos);
  auto write = std::async(std::launch::async, [&] { return patient->Put("/tables/t1", "after"); });

  Status restarted = server->Restart();
  INFO(restarted.ToString());
  REQUIRE(restarted.ok());
  Status written = write.get();
  INFO(written.ToString());
  CHECK(written.ok());
  CHECK(patient->Get("/tables/t1")->value().value == "after");
  CHECK(test::Eventually([&] { return hasty->Get("/tables/t1").ok(); }, 20s));
}

TEST_CASE("zookeeper store: an acknowledged write survives the ZooKeeper server being killed", "[meta][zk]") {
  auto server = test::StartZkServerOrFail();
  REQUIRE(Open(ZkOptions(*server))->Put("/config/auto_failover", "true").ok());
  server->Stop();
  REQUIRE(server->Restart().ok());
  CHECK(Open(ZkOptions(*server))->Get("/config/auto_failover")->value().value == "true");
}

TEST_CASE("zookeeper store: a session expired during a partition is replaced and the store goes on",
          "[meta][zk]") {
  auto server = test::StartZkServerOrFail();
  auto relay = test::ZkRelay::Start(*server);
  REQUIRE(relay.ok());
  auto client = ZkClient::Connect({.hosts = (*relay)->address(), .session_timeout = 2s, .operation_timeout = 20s});
  REQUIRE(client.ok());
  auto store = ZkStore::Open(*client, "/kv");
  REQUIRE(store.ok());
  REQUIRE((*store)->Put("/ops/1", "queued").ok());
  const uint64_t generation = (*client)->generation();
  const int64_t session = (*client)->session()->client_id;

  (*relay)->Cut();
  CHECK(test::Eventually(
      [&] {
        auto known = test::ServerHasSession(*server, session);
        return known.ok() && !*known;
      },
      20s));
  (*relay)->Heal();
  auto got = (*store)->Get("/ops/1");
  INFO(got.status().ToString());
  REQUIRE(got.ok());
  CHECK(got->value().value == "queued");
  CHECK((*client)->generation() > generation);
  CHECK((*store)->Put("/ops/1", "running").ok());
  CHECK((*store)->Get("/ops/1")->value().value == "running");
}

TEST_CASE("zookeeper store: opening without a reachable ZooKeeper fails with the address in the message", "[meta][zk]") {
  // Nothing listens on the discard port of the loopback address.
  auto store = OpenMetaStore({.zk_cluster = "127.0.0.1:9", .zk_root_path = "/kv", .zk_operation_timeout = 300ms});
  REQUIRE(store.status().IsIOError());
  CHECK(store.status().message().find("127.0.0.1:9") != std::string::npos);
}

TEST_CASE("zookeeper store: the ZooKeeper root path must be an absolute path below /", "[meta][zk]") {
  for (const char* root : {"", "kv", "/", "/kv/"}) {
    INFO("root '" << root << "'");
    CHECK(OpenMetaStore({.zk_cluster = "127.0.0.1:9", .zk_root_path = root}).status().IsInvalidArgument());
  }
}
