#include "cluster/client/routing.h"

#include "common/crc32c.h"

namespace kv::client {

uint32_t PartitionOf(std::string_view key, uint32_t partition_count) {
  return crc32c::Value(key) % partition_count;
}

Result<TableRoute> TableRoute::FromTableInfo(const v1::TableInfo& info) {
  const uint32_t count = info.partition_count();
  if (count == 0 || static_cast<uint32_t>(info.partitions_size()) != count) {
    return Status::InvalidArgument("table '" + info.name() + "': the nameserver describes " +
                                   std::to_string(info.partitions_size()) + " partitions of " +
                                   std::to_string(count));
  }
  TableRoute route;
  route.name = info.name();
  route.tid = info.tid();
  route.partitions.resize(count);
  std::vector<bool> seen(count, false);
  for (const v1::PartitionInfo& p : info.partitions()) {
    if (p.pid() >= count || seen[p.pid()]) {
      return Status::InvalidArgument("table '" + info.name() + "': partition " + std::to_string(p.pid()) +
                                     " is out of range or listed twice");
    }
    seen[p.pid()] = true;
    route.partitions[p.pid()] = {p.leader(), p.term()};
  }
  return route;
}

uint32_t TableRoute::PartitionOf(std::string_view key) const {
  return client::PartitionOf(key, static_cast<uint32_t>(partitions.size()));
}

Result<RoutePtr> RouteCache::Get(const std::string& table) {
  {
    std::lock_guard l(mu_);
    auto it = routes_.find(table);
    if (it != routes_.end()) return it->second;
  }
  return Refresh(table, nullptr);
}

Result<RoutePtr> RouteCache::Refresh(const std::string& table, const RoutePtr& seen) {
  std::lock_guard f(fetch_mu_);
  {
    std::lock_guard l(mu_);
    auto it = routes_.find(table);
    if (it != routes_.end() && it->second != seen) return it->second;
  }
  return FetchLocked(table);
}

Result<RoutePtr> RouteCache::FetchLocked(const std::string& table) {
  auto info = fetch_(table);
  if (!info.ok()) {
    if (info.status().IsNotFound()) Forget(table);
    return info.status();
  }
  KV_ASSIGN_OR_RETURN(TableRoute route, TableRoute::FromTableInfo(*info));
  auto ptr = std::make_shared<const TableRoute>(std::move(route));
  std::lock_guard l(mu_);
  routes_[table] = ptr;
  return RoutePtr(ptr);
}

void RouteCache::Forget(const std::string& table) {
  std::lock_guard l(mu_);
  routes_.erase(table);
}

}  // namespace kv::client
