// A nameserver with fake tablets for the service and op tests
// (nameserver_service_test.cc, failover_test.cc, replica_ops_test.cc): a fake whose heartbeats are paused and whose control
// calls are blocked is what a SIGSTOPped tablet looks like from the nameserver.
#pragma once

#include <algorithm>
#include <catch2/catch.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/nameserver_test_util.h"
#include "tests/test_util.h"
#include "tests/zk_server.h"  // Eventually

namespace kv::test {

using namespace std::chrono_literals;

struct Cluster {
  // tweak: changes to FastOptions before the nameserver starts.
  explicit Cluster(size_t tablet_count, const std::function<void(ns::NameServerOptions&)>& tweak = {}) {
    options = FastOptions(dir.path());
    if (tweak) tweak(options);
    ns = StartNameServer(options);
    client = std::make_unique<NsClient>(ns->endpoint());
    tablets = StartFakeTablets(tablet_count, {ns->endpoint()});
    REQUIRE(WaitForHealthyTablets(*client, tablet_count));
  }
  FakeTablet& tablet(const std::string& endpoint) {
    auto it = std::find_if(tablets.begin(), tablets.end(), [&](auto& t) { return t->endpoint() == endpoint; });
    REQUIRE(it != tablets.end());
    return **it;
  }
  // One partition, three replicas: returns its tid.
  uint32_t CreateTable(const std::string& name) {
    v1::CreateTableResponse created = client->CreateTable(name, 1, 3);
    REQUIRE(created.error().code() == v1::OK);
    return created.table().tid();
  }
  v1::PartitionInfo Partition(const std::string& table, uint32_t pid = 0) {
    v1::ShowTableResponse shown = client->ShowTable(table);
    REQUIRE(shown.error().code() == v1::OK);
    return shown.tables(0).partitions(static_cast<int>(pid));
  }
  std::string TabletState(const std::string& endpoint) {
    const v1::ShowTabletResponse shown = client->ShowTablet();
    for (const v1::TabletInfo& t : shown.tablets()) {
      if (t.endpoint() == endpoint) return t.state();
    }
    return "";
  }
  // The nameserver goes away (as in a crash: running tasks are dropped), then
  // a new one starts on the same data dir and endpoint, where the tablets
  // heartbeat. while_down runs in between (e.g. unblocking a tablet call).
  void RestartNameServer(const std::function<void()>& while_down) {
    const std::string endpoint = ns->endpoint();
    client.reset();
    ns.reset();
    while_down();
    ns::NameServerOptions restarted = options;
    restarted.endpoint = endpoint;
    ns = StartNameServer(restarted);
    client = std::make_unique<NsClient>(endpoint);
  }
  // Heartbeats stop and control calls hang: a SIGSTOPped tablet.
  void Stop(FakeTablet& t) {
    t.BlockControl(true);
    t.PauseHeartbeats();
  }
  void Cont(FakeTablet& t) {
    t.BlockControl(false);
    t.ResumeHeartbeats();
  }
  // The ops of table (every one when empty), by id.
  std::vector<v1::OpInfo> Ops(const std::string& table = "") {
    v1::ShowOpStatusResponse shown = client->ShowOpStatus(table);
    REQUIRE(shown.error().code() == v1::OK);
    return {shown.ops().begin(), shown.ops().end()};
  }
  // The newest op of type on table, once it is final.
  std::optional<v1::OpInfo> FinalOp(const std::string& type, const std::string& table) {
    std::optional<v1::OpInfo> found;
    for (const v1::OpInfo& op : Ops(table)) {
      if (op.type() == type) found = op;
    }
    if (!found || found->current_task() != "-") return std::nullopt;
    return found;
  }
  v1::OpInfo WaitFinalOp(const std::string& type, const std::string& table) {
    std::optional<v1::OpInfo> op;
    REQUIRE(Eventually([&] { return (op = FinalOp(type, table)).has_value(); }, 20s));
    return *op;
  }
  v1::OpInfo WaitOp(uint64_t id) {
    std::optional<v1::OpInfo> op;
    REQUIRE(Eventually(
        [&] {
          for (const v1::OpInfo& o : Ops()) {
            if (o.id() == id && o.current_task() == "-") op = o;
          }
          return op.has_value();
        },
        20s));
    return *op;
  }

  TempDir dir;
  ns::NameServerOptions options;
  std::unique_ptr<ns::NameServerProcess> ns;
  std::unique_ptr<NsClient> client;
  std::vector<std::unique_ptr<FakeTablet>> tablets;
};

inline std::vector<std::string> Followers(const v1::PartitionInfo& p) {
  std::vector<std::string> out;
  for (const v1::ReplicaInfo& r : p.replicas()) {
    if (r.endpoint() != p.leader()) out.push_back(r.endpoint());
  }
  return out;
}

inline bool AliveOn(const v1::PartitionInfo& p, const std::string& endpoint) {
  for (const v1::ReplicaInfo& r : p.replicas()) {
    if (r.endpoint() == endpoint) return r.is_alive();
  }
  return false;
}

inline std::string Describe(const v1::Error& e) { return v1::ErrorCode_Name(e.code()) + ": " + e.message(); }

}  // namespace kv::test
