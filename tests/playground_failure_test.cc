// Failures of real tablet processes on the playground: a paused (SIGSTOP)
// tablet is declared offline exactly like a killed one, and a leader paused
// past its lease cannot acknowledge a write once it runs again (invariant 4),
// even a write that reached it while it was paused.
#include <catch2/catch.hpp>
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <future>
#include <map>

#include "cluster/client/kv_client.h"
#include "cluster/proto/kv.grpc.pb.h"
#include "ops/playground/playground.h"
#include "tests/playground_test_util.h"
#include "tests/test_util.h"

using namespace kv;
using namespace kv::test;
using namespace std::chrono_literals;

namespace {

// endpoint -> state ("kTabletHealthy", "kTabletOffline"), as the nameserver sees them.
std::map<std::string, std::string> TabletStates(client::Client& client) {
  std::map<std::string, std::string> states;
  auto tablets = client.ShowTablet();
  if (tablets.ok()) {
    for (const v1::TabletInfo& t : *tablets) states[t.endpoint()] = t.state();
  }
  return states;
}

v1::WriteRequest PutRequest(uint32_t tid, uint32_t pid, uint64_t term, const std::string& key) {
  v1::WriteRequest write;
  write.mutable_partition()->set_tid(tid);
  write.mutable_partition()->set_pid(pid);
  write.set_term(term);
  v1::WriteOp* op = write.add_ops();
  op->set_type(v1::PUT);
  op->set_key(key);
  op->set_value("v");
  return write;
}

v1::WriteResponse Send(v1::Tablet::Stub& stub, const v1::WriteRequest& write) {
  v1::WriteResponse answer;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + 60s);
  const grpc::Status rpc = stub.Write(&ctx, write, &answer);
  if (!rpc.ok()) {
    answer.mutable_error()->set_code(v1::UNAVAILABLE);
    answer.mutable_error()->set_message("rpc failed: " + rpc.error_message());
  }
  return answer;
}

// A key of partition pid in a table of `partitions`.
std::string KeyIn(uint32_t pid, uint32_t partitions) {
  for (int i = 0;; ++i) {
    std::string key = "key" + std::to_string(i);
    if (client::PartitionOf(key, partitions) == pid) return key;
  }
}

}  // namespace

TEST_CASE("a paused tablet goes offline like a dead one, and a paused leader acknowledges nothing after (invariant 4)",
          "[playground][cluster]") {
  TempDir tmp;
  auto pg = StartPlayground(tmp, 3);
  auto client = ConnectTo(pg->get());
  // The detector and the lease alone: failover would give the partitions new
  // terms, and the old leader would answer STALE_TERM (playground_failover_test).
  REQUIRE(client->ConfSet("auto_failover", "false").ok());
  v1::CreateTableRequest create;
  create.set_name("t");
  create.set_partitions(3);
  auto table = client->CreateTable(create);
  INFO(table.status().message());
  REQUIRE(table.ok());
  const auto paused = *pg->get().Find("tablet-1");
  const auto killed = *pg->get().Find("tablet-2");

  // A partition tablet-1 leads (leaders are spread: each tablet leads one).
  const v1::PartitionInfo* led = nullptr;
  for (const v1::PartitionInfo& p : table->partitions()) {
    if (p.leader() == paused.endpoint) led = &p;
  }
  REQUIRE(led != nullptr);
  const std::string key = KeyIn(led->pid(), 3);
  REQUIRE(client->Put("t", key, "before").ok());

  // The connection to the leader is up before it stops, so the write below
  // waits in its socket while it is paused.
  auto stub = v1::Tablet::NewStub(grpc::CreateChannel(paused.endpoint, grpc::InsecureChannelCredentials()));
  REQUIRE(Send(*stub, PutRequest(table->tid(), led->pid(), led->term(), key)).error().code() == v1::OK);

  REQUIRE(pg->get().Signal("tablet-1", SIGSTOP).ok());
  REQUIRE(pg->get().Signal("tablet-2", SIGKILL).ok());
  auto in_pause = std::async(std::launch::async,
                             [&] { return Send(*stub, PutRequest(table->tid(), led->pid(), led->term(), key)); });

  std::map<std::string, std::string> states;
  const bool both_offline = WaitUntil(30s, [&] {
    states = TabletStates(*client);
    return states[paused.endpoint] == "kTabletOffline" && states[killed.endpoint] == "kTabletOffline";
  });
  INFO("tablet-1 " << states[paused.endpoint] << ", tablet-2 " << states[killed.endpoint]);
  REQUIRE(both_offline);
  auto shown = client->ShowTable("t");
  REQUIRE(shown.ok());
  for (const v1::TableInfo& t : *shown) {
    for (const v1::PartitionInfo& p : t.partitions()) {
      for (const v1::ReplicaInfo& r : p.replicas()) {
        if (r.endpoint() == paused.endpoint || r.endpoint() == killed.endpoint) CHECK_FALSE(r.is_alive());
      }
    }
  }

  // Running again, the old leader's lease has run out: the write that waited
  // in its socket is refused, and so is a new one, since the nameserver
  // grants no lease to a replica it declared not alive.
  REQUIRE(pg->get().Signal("tablet-1", SIGCONT).ok());
  const v1::WriteResponse waited = in_pause.get();
  INFO(waited.error().message());
  CHECK(waited.error().code() == v1::LEASE_EXPIRED);
  REQUIRE(WaitUntil(30s, [&] { return TabletStates(*client)[paused.endpoint] == "kTabletHealthy"; }));
  const v1::WriteResponse later = Send(*stub, PutRequest(table->tid(), led->pid(), led->term(), key));
  CHECK(later.error().code() == v1::LEASE_EXPIRED);
  auto status = client->TabletStatus(paused.endpoint, false);
  REQUIRE(status.ok());
  for (const v1::ReplicaStatus& r : *status) {
    if (r.partition().pid() == led->pid()) CHECK_FALSE(r.lease_valid());
  }
}
