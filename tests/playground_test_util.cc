#include "tests/playground_test_util.h"

#include <catch2/catch.hpp>

#include <thread>

namespace kv::test {

std::unique_ptr<ops::ScopedPlayground> StartPlayground(const TempDir& tmp, const PlaygroundSpec& spec) {
  ops::PlaygroundOptions options;
  options.dir = tmp / "playground";
  options.tablets = spec.tablets;
  options.bin_dir = KV_BINARY_DIR;  // the build root: cluster/nameserver/nameserver, cluster/tablet/tablet
  options.zk_cluster = spec.zk_cluster;
  options.zk_root_path = spec.zk_root_path;
  options.nameservers = spec.nameservers;
  options.timeout = std::chrono::seconds(60);  // a busy two-core machine
  auto started = ops::ScopedPlayground::Start(options);
  INFO(started.status().message());
  REQUIRE(started.ok());
  return std::move(started).value();
}

std::unique_ptr<client::Client> ConnectTo(const ops::Playground& playground) {
  client::ClientOptions options;
  options.nameservers = playground.state().EndpointsOf(ops::kRoleNameserver);
  options.retry.overall = std::chrono::seconds(10);
  auto c = client::Client::Connect(std::move(options));
  REQUIRE(c.ok());
  return std::move(c).value();
}

bool WaitUntil(std::chrono::milliseconds timeout, const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

std::map<PartitionKey, std::vector<v1::ReplicaStatus>> ReplicaStatusByPartition(client::Client& client,
                                                                                 const ops::Playground& playground) {
  std::map<PartitionKey, std::vector<v1::ReplicaStatus>> out;
  for (const ops::ServerView& v : playground.Display()) {
    if (v.server.role != ops::kRoleTablet || v.state != ops::ProcessState::kAlive) continue;
    auto replicas = client.TabletStatus(v.server.endpoint, /*with_checksum=*/true);
    if (!replicas.ok()) continue;  // shows as a missing replica
    for (const v1::ReplicaStatus& r : *replicas) {
      out[{r.partition().tid(), r.partition().pid()}].push_back(r);
    }
  }
  return out;
}

std::string DescribeDivergence(const std::map<PartitionKey, std::vector<v1::ReplicaStatus>>& status,
                               size_t replicas) {
  for (const auto& [key, list] : status) {
    const std::string name = "partition " + std::to_string(key.first) + "_" + std::to_string(key.second);
    if (list.size() != replicas) {
      return name + " has " + std::to_string(list.size()) + " replicas answering, not " + std::to_string(replicas);
    }
    const v1::ReplicaStatus* leader = nullptr;
    for (const v1::ReplicaStatus& r : list) {
      if (r.role() == v1::LEADER) {
        if (leader != nullptr) return name + " has two leaders";
        leader = &r;
      }
    }
    if (leader == nullptr) return name + " has no leader";
    for (const v1::ReplicaStatus& r : list) {
      if (r.last_offset() != leader->last_offset() || r.last_term() != leader->last_term()) {
        return name + ": a replica is at (term " + std::to_string(r.last_term()) + ", offset " +
               std::to_string(r.last_offset()) + "), the leader at (term " + std::to_string(leader->last_term()) +
               ", offset " + std::to_string(leader->last_offset()) + ")";
      }
      if (r.applied_offset() != r.last_offset()) {
        return name + ": a replica applied " + std::to_string(r.applied_offset()) + " of " +
               std::to_string(r.last_offset());
      }
      if (r.content_checksum() != leader->content_checksum()) {
        return name + ": content checksums differ at offset " + std::to_string(r.last_offset());
      }
    }
  }
  return "";
}

}  // namespace kv::test
