// The client's routing: keys to partitions (the documented hash), the routing
// table from the nameserver's TableInfo, and the cache that refetches a stale
// route once however many threads saw it fail.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "cluster/client/routing.h"
#include "common/crc32c.h"

using namespace kv;
using namespace kv::client;

namespace {

v1::TableInfo Info(const std::string& name, uint32_t tid, uint32_t partitions, const std::string& leader_prefix,
                   uint64_t term = 1) {
  v1::TableInfo t;
  t.set_name(name);
  t.set_tid(tid);
  t.set_partition_count(partitions);
  for (uint32_t pid = 0; pid < partitions; ++pid) {
    v1::PartitionInfo* p = t.add_partitions();
    p->set_pid(pid);
    p->set_term(term);
    p->set_leader(leader_prefix + std::to_string(pid));
  }
  return t;
}

}  // namespace

TEST_CASE("a key's partition is the unmasked crc32c of its bytes modulo the partition count", "[client]") {
  // RFC 3720's vector: crc32c("123456789") = 0xe3069283.
  CHECK(crc32c::Value("123456789") == 0xe3069283u);
  CHECK(PartitionOf("123456789", 8) == 0xe3069283u % 8);
  CHECK(PartitionOf("123456789", 7) == 0xe3069283u % 7);
  CHECK(PartitionOf("", 5) == 0);  // crc32c of nothing is 0
  for (uint32_t n : {1u, 3u, 8u, 64u}) {
    for (int i = 0; i < 100; ++i) CHECK(PartitionOf("key" + std::to_string(i), n) < n);
  }
}

TEST_CASE("keys spread over every partition", "[client]") {
  std::vector<int> hits(8, 0);
  for (int i = 0; i < 1000; ++i) ++hits[PartitionOf("key-" + std::to_string(i), 8)];
  for (int h : hits) CHECK(h > 60);  // 125 expected each
}

TEST_CASE("a routing table lists each partition's leader and term by pid", "[client]") {
  v1::TableInfo info = Info("t1", 7, 4, "10.0.0.1:", 3);
  // The nameserver may list partitions in any order.
  std::swap(*info.mutable_partitions(0), *info.mutable_partitions(3));
  auto route = TableRoute::FromTableInfo(info);
  REQUIRE(route.ok());
  CHECK(route->tid == 7);
  REQUIRE(route->partitions.size() == 4);
  for (uint32_t pid = 0; pid < 4; ++pid) {
    CHECK(route->partitions[pid].leader == "10.0.0.1:" + std::to_string(pid));
    CHECK(route->partitions[pid].term == 3);
  }
  CHECK(route->PartitionOf("123456789") == 0xe3069283u % 4);
}

TEST_CASE("a routing table refuses a description with missing or repeated partitions", "[client]") {
  v1::TableInfo none = Info("t", 1, 0, "e:");
  CHECK(TableRoute::FromTableInfo(none).status().IsInvalidArgument());
  v1::TableInfo missing = Info("t", 1, 3, "e:");
  missing.mutable_partitions()->RemoveLast();
  CHECK(TableRoute::FromTableInfo(missing).status().IsInvalidArgument());
  v1::TableInfo repeated = Info("t", 1, 3, "e:");
  repeated.mutable_partitions(2)->set_pid(0);
  CHECK(TableRoute::FromTableInfo(repeated).status().IsInvalidArgument());
  v1::TableInfo out_of_range = Info("t", 1, 3, "e:");
  out_of_range.mutable_partitions(2)->set_pid(9);
  CHECK(TableRoute::FromTableInfo(out_of_range).status().IsInvalidArgument());
}

TEST_CASE("the route cache fetches once, and refreshes only a route still in use", "[client]") {
  std::atomic<int> fetches{0};
  RouteCache cache([&](const std::string& table) -> Result<v1::TableInfo> {
    const int n = ++fetches;
    return Info(table, 1, 2, "leader-" + std::to_string(n) + ":");
  });
  auto first = cache.Get("t");
  REQUIRE(first.ok());
  CHECK(cache.Get("t")->get() == first->get());
  CHECK(fetches == 1);

  // Many threads fail on the same stale route and refresh it: one fetch.
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) threads.emplace_back([&] { REQUIRE(cache.Refresh("t", *first).ok()); });
  for (auto& t : threads) t.join();
  CHECK(fetches == 2);
  auto second = cache.Get("t");
  CHECK((*second)->partitions[0].leader == "leader-2:0");

  // Refreshing the current route fetches again.
  auto third = cache.Refresh("t", *second);
  CHECK((*third)->partitions[0].leader == "leader-3:0");
}

TEST_CASE("the route cache forgets a table the nameserver no longer knows", "[client]") {
  bool exists = true;
  RouteCache cache([&](const std::string& table) -> Result<v1::TableInfo> {
    if (!exists) return Status::NotFound("table '" + table + "' does not exist");
    return Info(table, 1, 1, "e:");
  });
  auto route = cache.Get("t");
  REQUIRE(route.ok());
  exists = false;
  CHECK(cache.Refresh("t", *route).status().IsNotFound());
  CHECK(cache.Get("t").status().IsNotFound());  // not served from the cache
}
