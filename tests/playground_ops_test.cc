// The nameserver's ops and marks on real processes (issue 20): what the fake
// tablets of replica_ops_test and failover_test show, seen once with the real
// nameserver, tablets and embedded metadata store. An op resumed after the
// nameserver is killed in its middle (invariant 9), offlineendpoint's mark
// across a restart of the nameserver and of the tablet, and auto_balance on a
// real registration. The playground goes down by PID when a test ends.
#include <signal.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "cluster/client/kv_client.h"
#include "ops/playground/playground.h"
#include "tests/playground_failover_util.h"
#include "tests/playground_test_util.h"
#include "tests/test_util.h"

using namespace kv;
using namespace kv::test;
using namespace std::chrono_literals;

namespace {

// The op with this id, nullopt when showopstatus fails or does not list it.
std::optional<v1::OpInfo> OpNow(client::Client& client, uint64_t id) {
  auto ops = client.ShowOpStatus();
  if (!ops.ok()) return std::nullopt;
  for (const v1::OpInfo& op : *ops) {
    if (op.id() == id) return op;
  }
  return std::nullopt;
}

bool Final(const v1::OpInfo& op) { return op.current_task() == "-"; }

// The playground name of the server at endpoint.
std::string NameOf(const ops::Playground& pg, const std::string& endpoint) {
  for (const auto& view : pg.Display()) {
    if (view.server.endpoint == endpoint) return view.server.name;
  }
  FAIL("no playground server at " << endpoint);
  return "";
}

std::optional<v1::TabletInfo> TabletNow(client::Client& client, const std::string& endpoint) {
  auto tablets = client.ShowTablet();
  if (!tablets.ok()) return std::nullopt;
  for (const v1::TabletInfo& t : *tablets) {
    if (t.endpoint() == endpoint) return t;
  }
  return std::nullopt;
}

// Kills the nameserver and starts it again. The client goes first: with it
// connected, the restart took 20 s rather than 5 here (the channels of one
// process share their connection attempts to an endpoint, the playground's
// wait included, and the one to the killed process hung until gRPC's connect
// timeout); a new one comes after.
void RestartNameserver(ops::Playground& pg, std::unique_ptr<client::Client>& client) {
  client.reset();
  auto restarted = pg.Restart("nameserver", 60s);
  INFO("restart: " << restarted.status().message());
  REQUIRE(restarted.ok());
  client = ConnectTo(pg);
}

// Every replica alive and equal, and every key put still there.
void RequireRecovered(client::Client& client, const ops::Playground& pg, const std::vector<std::string>& keys) {
  RequireConverged(client, pg, Alive::kAll);
  CHECK(MissingOf(client, keys) == 0);
}

std::vector<std::string> PutKeys(client::Client& client, int count) {
  std::vector<std::string> keys;
  for (int i = 0; i < count; ++i) {
    keys.push_back("k" + std::to_string(i));
    REQUIRE(client.Put("t", keys.back(), "v-" + keys.back()).ok());
  }
  return keys;
}

}  // namespace

TEST_CASE("restart in the middle of an op: the nameserver killed while setreplicas waits on a paused leader resumes "
          "it on the target it chose, which catches up (invariant 9)",
          "[playground][failover]") {
  TempDir tmp;
  // Failure detection slower than the test: the paused leader stays a
  // healthy tablet, so the op waits on it rather than failing over.
  auto pg = StartPlayground(tmp, PlaygroundSpec{.tablets = 4,
                                                .nameserver_flags = {"--tablet-offline-timeout-ms", "20000",
                                                                     "--lease-ms", "15000"}});
  auto client = ConnectTo(pg->get());
  REQUIRE(client->ConfSet("auto_balance", "false").ok());  // only the op under test moves replicas
  CreateT(*client, 1, 3);
  const std::vector<std::string> keys = PutKeys(*client, 100);
  const std::optional<v1::PartitionInfo> before = PartitionNow(*client, 0);
  REQUIRE(before.has_value());
  const std::string leader = NameOf(pg->get(), before->leader());

  REQUIRE(pg->get().Signal(leader, SIGSTOP).ok());  // kAddFollower's ChangeRole to it hangs
  auto raised = client->SetReplicas("t", 4);
  INFO("setreplicas: " << raised.status().message());
  REQUIRE(raised.ok());
  REQUIRE(raised->op_ids.size() == 1);
  const uint64_t id = raised->op_ids[0];
  std::optional<v1::OpInfo> waiting;
  REQUIRE(WaitUntil(30s, [&] {
    waiting = OpNow(*client, id);
    return waiting && waiting->current_task() == "kAddFollower";
  }));
  const std::string target = nlohmann::json::parse(waiting->params_json()).at("endpoint");
  // Frozen with the task in flight, then killed: the leader's answer never reaches it.
  REQUIRE(pg->get().Signal("nameserver", SIGSTOP).ok());
  REQUIRE(pg->get().Signal(leader, SIGCONT).ok());
  RestartNameserver(pg->get(), client);

  std::optional<v1::OpInfo> done;
  REQUIRE(WaitUntil(30s, [&] {
    done = OpNow(*client, id);
    return done && Final(*done);
  }));
  INFO("op error: " << done->error());
  CHECK(done->status() == "kDone");
  REQUIRE(done->tasks_size() == 5);
  CHECK(done->tasks(0).attempts() == 1);  // kSelectTarget decided once: its choice was persisted
  CHECK(done->tasks(1).attempts() == 1);  // kCreateReplica
  CHECK(done->tasks(2).attempts() >= 2);  // kAddFollower, cut short by the kill, ran again
  CHECK(nlohmann::json::parse(done->params_json()).at("endpoint") == target);
  const std::optional<v1::PartitionInfo> after = PartitionNow(*client, 0);
  REQUIRE(after.has_value());
  CHECK(after->replicas_size() == 4);
  CHECK(std::any_of(after->replicas().begin(), after->replicas().end(),
                    [&](const v1::ReplicaInfo& r) { return r.endpoint() == target && r.is_alive(); }));
  RequireRecovered(*client, pg->get(), keys);
}

TEST_CASE("offlineendpoint's mark survives a restart of the nameserver and of the tablet: auto_failover leaves its "
          "replicas alone until recoverendpoint",
          "[playground][failover]") {
  TempDir tmp;
  auto pg = StartPlayground(tmp, 3);
  auto client = ConnectTo(pg->get());
  CreateT(*client, 3, 3);
  const std::vector<std::string> keys = PutKeys(*client, 100);
  const std::string target = PartitionNow(*client, 0)->leader();

  auto off = client->OfflineEndpoint(target);
  INFO("offlineendpoint: " << off.status().message());
  REQUIRE(off.ok());
  CHECK(off->refused.empty());
  REQUIRE(WaitUntil(30s, [&] { return OpsFinal(*client); }));
  const auto ops_before = client->ShowOpStatus();
  REQUIRE(ops_before.ok());
  for (const v1::OpInfo& op : *ops_before) CHECK(op.status() == "kDone");

  RestartNameserver(pg->get(), client);
  REQUIRE(pg->get().Restart(NameOf(pg->get(), target), 60s).ok());  // a new incarnation registers
  // The nameserver's own clock: three offline timeouts (1 s each) since it
  // saw the restarted tablet come back, many failure-detector checks and
  // auto_failover rounds, each of which would have recovered the replicas.
  std::optional<v1::TabletInfo> shown;
  REQUIRE(WaitUntil(30s, [&] {
    shown = TabletNow(*client, target);
    return shown && shown->state() == "kTabletHealthy" && shown->age_ms() >= 3000;
  }));
  CHECK(shown->taken_offline());
  const auto ops_after = client->ShowOpStatus();
  REQUIRE(ops_after.ok());
  CHECK(ops_after->size() == ops_before->size());
  for (uint32_t pid = 0; pid < 3; ++pid) {
    const std::optional<v1::PartitionInfo> p = PartitionNow(*client, pid);
    REQUIRE(p.has_value());
    CHECK(p->leader() != target);
    for (const v1::ReplicaInfo& r : p->replicas()) CHECK(r.is_alive() == (r.endpoint() != target));
  }

  auto back = client->RecoverEndpoint(target);
  INFO("recoverendpoint: " << back.status().message());
  REQUIRE(back.ok());
  CHECK(back->op_ids.size() == 3);
  REQUIRE(WaitUntil(30s, [&] { return OpsFinal(*client); }));
  CHECK_FALSE(TabletNow(*client, target)->taken_offline());
  RequireRecovered(*client, pg->get(), keys);
}

TEST_CASE("auto_balance: a real tablet added to the playground gets its share of replicas and leaders without a "
          "command",
          "[playground][failover]") {
  TempDir tmp;
  auto pg = StartPlayground(tmp, 3);
  auto client = ConnectTo(pg->get());
  CreateT(*client, 4, 3);  // 12 replicas: 4 on each of 3 tablets, 3 on each of 4
  const std::vector<std::string> keys = PutKeys(*client, 200);

  auto added = pg->get().ScaleOut(1, 30s);
  INFO("scale-out: " << added.status().message());
  REQUIRE(added.ok());
  const std::string newcomer = added->front().endpoint;
  const auto spread = [](const std::map<std::string, int>& m) {
    auto [lo, hi] = std::minmax_element(m.begin(), m.end(), [](auto& a, auto& b) { return a.second < b.second; });
    return hi->second - lo->second;
  };
  std::map<std::string, int> replicas, leaders;
  REQUIRE(WaitUntil(60s, [&] {
    replicas.clear();
    leaders.clear();
    for (const auto& view : pg->get().Display()) {
      if (view.server.role == ops::kRoleTablet) replicas[view.server.endpoint] = leaders[view.server.endpoint] = 0;
    }
    for (uint32_t pid = 0; pid < 4; ++pid) {
      const std::optional<v1::PartitionInfo> p = PartitionNow(*client, pid);
      if (!p) return false;
      ++leaders[p->leader()];
      for (const v1::ReplicaInfo& r : p->replicas()) ++replicas[r.endpoint()];
    }
    return replicas.size() == 4 && spread(replicas) <= 1 && spread(leaders) <= 1 && OpsFinal(*client);
  }));
  CHECK(replicas[newcomer] == 3);
  auto ops = client->ShowOpStatus();
  REQUIRE(ops.ok());
  size_t migrations = 0;
  for (const v1::OpInfo& op : *ops) {
    INFO(op.type() << " " << op.id() << ": " << op.error());
    CHECK(op.status() == "kDone");
    migrations += op.type() == "kMigrateOP";
  }
  std::printf("auto_balance: %zu migrations onto the new tablet\n", migrations);
  CHECK(migrations >= 3);
  RequireRecovered(*client, pg->get(), keys);
}
