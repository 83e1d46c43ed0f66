// Two nameservers on one ZooKeeper: one active, one standby that answers
// NOT_LEADER with the active one's endpoint, and takes over (reloading every
// table from ZooKeeper) when the active one stops.
#include <catch2/catch.hpp>

#include "tests/nameserver_test_util.h"
#include "tests/test_util.h"
#include "tests/zk_server.h"

using namespace kv;
using namespace kv::test;
using namespace std::chrono_literals;

TEST_CASE("zookeeper: the standby answers NOT_LEADER with the hint, then takes over and knows the tables", "[zk]") {
  auto zk = StartZkServerOrFail();
  TempDir dir_a, dir_b;
  auto options = [&](const TempDir& dir) {
    ns::NameServerOptions o = FastOptions(dir.path());
    o.zk_cluster = zk->address();
    o.zk_root_path = "/kv-ns-test";
    o.zk_session_timeout = 2000ms;
    return o;
  };
  auto first = StartNameServer(options(dir_a));
  REQUIRE(Eventually([&] { return first->IsActive(); }, 10s));
  auto second = StartNameServer(options(dir_b));
  const std::string active_endpoint = first->endpoint();

  NsClient active(first->endpoint());
  NsClient standby(second->endpoint());
  auto tablets = StartFakeTablets(3, {first->endpoint(), second->endpoint()});
  REQUIRE(WaitForHealthyTablets(active, 3));
  v1::CreateTableResponse created = active.CreateTable("kept", 4, 3);
  INFO(created.error().message());
  REQUIRE(created.error().code() == v1::OK);

  REQUIRE(Eventually([&] { return standby.ShowTable().error().leader_hint() == active_endpoint; }, 10s));
  v1::ShowTableResponse refused = standby.ShowTable();
  CHECK(refused.error().code() == v1::NOT_LEADER);
  CHECK(refused.tables_size() == 0);
  CHECK(standby.ConfSet("auto_failover", "false").error().code() == v1::NOT_LEADER);
  CHECK_FALSE(second->IsActive());

  first->Stop();
  REQUIRE(Eventually([&] { return second->IsActive(); }, 10s));
  v1::ShowTableResponse shown = standby.ShowTable("kept");
  REQUIRE(shown.error().code() == v1::OK);
  CHECK(shown.tables(0).tid() == created.table().tid());
  CHECK(shown.tables(0).partitions_size() == 4);
  for (int pid = 0; pid < 4; ++pid) {
    CHECK(shown.tables(0).partitions(pid).leader() == created.table().partitions(pid).leader());
  }
  // The tablets follow to the new active nameserver and stay healthy there.
  REQUIRE(WaitForHealthyTablets(standby, 3));
}
