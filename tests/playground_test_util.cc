#include "tests/playground_test_util.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <thread>

namespace kv::test {

std::unique_ptr<ops::ScopedPlayground> StartPlayground(const TempDir& tmp, const PlaygroundSpec& spec) {
  ops::PlaygroundOptions options;
  options.dir = tmp / "playground";
  options.tablets = spec.tablets;
  // The build root: cluster/nameserver/nameserver, cluster/tablet/tablet.
  options.bin_dir = spec.bin_dir.empty() ? KV_BINARY_DIR : spec.bin_dir;
  options.zk_cluster = spec.zk_cluster;
  options.zk_root_path = spec.zk_root_path;
  options.nameservers = spec.nameservers;
  options.nameserver_flags = spec.nameserver_flags;
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

namespace {

std::string DescribePartition(const std::string& name, const std::vector<v1::ReplicaStatus>& list, size_t replicas) {
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
  return "";
}

std::string PartitionName(const PartitionKey& key) {
  return "partition " + std::to_string(key.first) + "_" + std::to_string(key.second);
}

}  // namespace

std::string DescribeDivergence(const std::vector<v1::TableInfo>& tables,
                               const std::map<PartitionKey, std::vector<v1::ReplicaStatus>>& status) {
  if (tables.empty()) return "the nameserver lists no table";
  static const std::vector<v1::ReplicaStatus> kNone;
  size_t expected = 0;
  for (const v1::TableInfo& table : tables) {
    if (!table.state().empty() && table.state() != "kTableNormal") {
      return "table " + table.name() + " is " + table.state();
    }
    for (uint32_t pid = 0; pid < table.partition_count(); ++pid) {
      const PartitionKey key{table.tid(), pid};
      const auto found = status.find(key);
      const std::string why =
          DescribePartition(PartitionName(key), found == status.end() ? kNone : found->second, table.replica_count());
      if (!why.empty()) return why;
      ++expected;
    }
  }
  if (status.size() != expected) {
    for (const auto& [key, list] : status) {
      const bool listed = std::any_of(tables.begin(), tables.end(), [&](const v1::TableInfo& t) {
        return t.tid() == key.first && key.second < t.partition_count();
      });
      if (!listed) return PartitionName(key) + " answers, but no table has it";
    }
  }
  return "";
}

std::string DescribeDivergence(client::Client& client, const ops::Playground& playground) {
  auto tables = client.ShowTable();
  if (!tables.ok()) return "showtable: " + tables.status().message();
  return DescribeDivergence(*tables, ReplicaStatusByPartition(client, playground));
}

}  // namespace kv::test
