// The playground with its metadata in a real ZooKeeper (tests/zk_server.h, on
// a free loopback port) and two nameservers: a smaller version of the
// embedded-metadata scenario, then the active nameserver dies and the standby
// takes over, finding the table in ZooKeeper; the old one comes back as the
// standby.
#include <catch2/catch.hpp>
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include "cluster/client/kv_client.h"
#include "cluster/proto/kv.grpc.pb.h"
#include "ops/playground/playground.h"
#include "tests/playground_test_util.h"
#include "tests/zk_server.h"

using namespace kv;
using namespace kv::test;
using namespace std::chrono_literals;

namespace {

// One nameserver's own answer, without following hints: OK when it is the
// active one, NOT_LEADER with the active one's endpoint when it stands by.
v1::Error AskDirectly(const std::string& endpoint) {
  auto stub = v1::NameServer::NewStub(grpc::CreateChannel(endpoint, grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + 5s);
  v1::ShowTabletResponse answer;
  const grpc::Status rpc = stub->ShowTablet(&ctx, v1::ShowTabletRequest(), &answer);
  if (!rpc.ok()) answer.mutable_error()->set_code(v1::UNAVAILABLE);
  return answer.error();
}

}  // namespace

TEST_CASE("zookeeper: a playground with an active and a standby nameserver stores, replicates and fails over",
          "[playground][zk]") {
  auto zk = StartZkServerOrFail();
  TempDir tmp;
  auto pg = StartPlayground(tmp, PlaygroundSpec{3, zk->address(), "/kv-playground-test", 2});
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
  const bool converged = WaitUntil(30s, [&] {
    why = DescribeDivergence(*client, pg->get());
    return why.empty();
  });
  INFO(why);
  CHECK(converged);

  // Exactly one nameserver is active; the other points at it.
  const auto first = *pg->get().Find("nameserver");
  const auto second = *pg->get().Find("nameserver-2");
  std::string active, standby;
  REQUIRE(WaitUntil(30s, [&] {
    const v1::Error a = AskDirectly(first.endpoint), b = AskDirectly(second.endpoint);
    if (a.code() == v1::OK && b.code() == v1::NOT_LEADER && b.leader_hint() == first.endpoint) {
      active = first.name, standby = second.name;
    } else if (b.code() == v1::OK && a.code() == v1::NOT_LEADER && a.leader_hint() == second.endpoint) {
      active = second.name, standby = first.name;
    }
    return !active.empty();
  }));

  // The active one dies: the standby takes over once its ZooKeeper session
  // expires, reloads the table from ZooKeeper, and the tablets follow it.
  REQUIRE(pg->get().Signal(active, SIGKILL).ok());
  const std::string standby_endpoint = pg->get().Find(standby)->endpoint;
  REQUIRE(WaitUntil(60s, [&] { return AskDirectly(standby_endpoint).code() == v1::OK; }));
  auto fresh = ConnectTo(pg->get());
  auto shown = fresh->ShowTable("zt");
  INFO(shown.status().message());
  REQUIRE(shown.ok());
  REQUIRE(shown->size() == 1);
  CHECK((*shown)[0].tid() == table->tid());
  CHECK((*shown)[0].partition_count() == 4);
  for (int i = 0; i < 200; i += 20) CHECK(**fresh->Get("zt", "k" + std::to_string(i)) == std::to_string(i));
  auto put = fresh->Put("zt", "after-failover", "yes");  // leases now come from the new active nameserver
  INFO(put.status().message());
  CHECK(put.ok());

  // The old active one comes back as the standby.
  auto restarted = pg->get().Restart(active, 60s);
  INFO(restarted.status().message());
  REQUIRE(restarted.ok());
  CHECK(WaitUntil(30s, [&] {
    const v1::Error e = AskDirectly(restarted->endpoint);
    return e.code() == v1::NOT_LEADER && e.leader_hint() == standby_endpoint;
  }));
}
