// The playground with its metadata in a real ZooKeeper (tests/zk_server.h, on
// a free loopback port): a smaller version of the embedded-metadata scenario,
// plus a nameserver restart that must find the table again in ZooKeeper.
#include <catch2/catch.hpp>

#include "cluster/client/kv_client.h"
#include "ops/playground.h"
#include "tests/playground_test_util.h"
#include "tests/zk_server.h"

using namespace kv;
using namespace kv::test;

TEST_CASE("zookeeper: a playground with ZooKeeper metadata stores, replicates and survives a nameserver restart",
          "[playground][zk]") {
  auto zk = StartZkServerOrFail();
  TempDir tmp;
  auto pg = StartPlayground(tmp, PlaygroundSpec{3, zk->address(), "/kv-playground-test"});
  auto client = ConnectTo(pg->get());

  v1::CreateTableRequest create;
  create.set_name("zt");
  create.set_partitions(4);
  auto table = client->CreateTable(create);
  INFO(table.status().message());
  REQUIRE(table.ok());
  CHECK(table->replica_count() == 3);  // the default

  for (int i = 0; i < 200; ++i) REQUIRE(client->Put("zt", "k" + std::to_string(i), std::to_string(i)).ok());
  std::string why;
  const bool converged = WaitUntil(std::chrono::seconds(30), [&] {
    why = DescribeDivergence(ReplicaStatusByPartition(*client, pg->get()), 3);
    return why.empty();
  });
  INFO(why);
  CHECK(converged);

  // The metadata lives in ZooKeeper: a new nameserver process finds the table.
  auto restarted = pg->get().Restart("nameserver", std::chrono::seconds(60));
  INFO(restarted.status().message());
  REQUIRE(restarted.ok());
  auto fresh = ConnectTo(pg->get());
  auto shown = fresh->ShowTable("zt");
  REQUIRE(shown.ok());
  REQUIRE(shown->size() == 1);
  CHECK((*shown)[0].tid() == table->tid());
  CHECK((*shown)[0].partition_count() == 4);
  for (int i = 0; i < 200; i += 20) CHECK(**fresh->Get("zt", "k" + std::to_string(i)) == std::to_string(i));
}
