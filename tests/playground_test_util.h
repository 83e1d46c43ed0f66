// Shared by the tests that run real clusters on the playground: start one
// (going down by PID when the object dies), connect a client, and compare
// what every replica of every partition reports about itself.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cluster/client/kv_client.h"
#include "ops/playground/playground.h"
#include "tests/test_util.h"

namespace kv::test {

struct PlaygroundSpec {
  int tablets = 3;
  std::string zk_cluster;
  std::string zk_root_path;
  int nameservers = 1;  // 2: an active and a standby (ZooKeeper only)
  std::vector<std::string> nameserver_flags;  // e.g. slower failure detection
  std::string bin_dir;  // bin_dir/{nameserver,tablet}; empty: this build's
};

// A playground in tmp/playground with the servers of this build; fails the
// test (with the reason) when it does not come up.
std::unique_ptr<ops::ScopedPlayground> StartPlayground(const TempDir& tmp, const PlaygroundSpec& spec);
inline std::unique_ptr<ops::ScopedPlayground> StartPlayground(const TempDir& tmp, int tablets) {
  return StartPlayground(tmp, PlaygroundSpec{tablets});
}
std::unique_ptr<client::Client> ConnectTo(const ops::Playground& playground);

bool WaitUntil(std::chrono::milliseconds timeout, const std::function<bool()>& condition);

using PartitionKey = std::pair<uint32_t, uint32_t>;  // tid, pid
// Every replica on every running tablet, with content checksums, by partition.
std::map<PartitionKey, std::vector<v1::ReplicaStatus>> ReplicaStatusByPartition(client::Client& client,
                                                                                 const ops::Playground& playground);
// Empty when every partition of every table has the table's replica count of
// replicas answering, exactly one leader, and every replica the leader's last
// (term, offset) and content checksum; otherwise what differs first. Compared
// against the tables, so that "no tablet answered" (an empty map) or a
// partition nobody reports is a difference, never convergence.
std::string DescribeDivergence(const std::vector<v1::TableInfo>& tables,
                               const std::map<PartitionKey, std::vector<v1::ReplicaStatus>>& status);
// The same for the cluster now: the nameserver's tables, every running tablet's replicas.
std::string DescribeDivergence(client::Client& client, const ops::Playground& playground);

}  // namespace kv::test
