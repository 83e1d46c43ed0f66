// Keys to partitions, partitions to leaders: the client's routing table.
//
// pid = crc32c(key) % partition_count (the unmasked CRC32C of the key bytes,
// docs/cluster.md), fixed for the life of a table. The leader of each
// partition comes from the nameserver's ShowTable and is cached per table
// until a tablet's answer says it is out of date.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/proto/kv.pb.h"
#include "common/status.h"

namespace kv::client {

uint32_t PartitionOf(std::string_view key, uint32_t partition_count);

struct PartitionRoute {
  std::string leader;  // empty while the partition has no leader
  uint64_t term = 0;
};

struct TableRoute {
  std::string name;
  uint32_t tid = 0;
  std::vector<PartitionRoute> partitions;  // indexed by pid

  // InvalidArgument when the table has no partitions or misnumbered ones.
  static Result<TableRoute> FromTableInfo(const v1::TableInfo& info);
  uint32_t PartitionOf(std::string_view key) const;
};

using RoutePtr = std::shared_ptr<const TableRoute>;

// One route per table, fetched on first use. Thread-safe.
class RouteCache {
 public:
  // Asks the nameserver for one table (NotFound when it does not exist).
  using Fetch = std::function<Result<v1::TableInfo>(const std::string& table)>;
  explicit RouteCache(Fetch fetch) : fetch_(std::move(fetch)) {}

  Result<RoutePtr> Get(const std::string& table);
  // A fresh route, unless another thread already replaced `seen`: then that
  // one (so threads that failed on the same stale route fetch it once).
  Result<RoutePtr> Refresh(const std::string& table, const RoutePtr& seen);
  void Forget(const std::string& table);

 private:
  Result<RoutePtr> FetchLocked(const std::string& table);

  const Fetch fetch_;
  std::mutex fetch_mu_;  // one fetch at a time; held across the RPC, never with mu_
  std::mutex mu_;
  std::map<std::string, RoutePtr> routes_;
};

}  // namespace kv::client
