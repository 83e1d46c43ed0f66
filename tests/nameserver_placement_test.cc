// Placement of a new table's replicas (cluster/nameserver/placement.h), as a
// pure function, over many tablet / partition / replica counts.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>

#include "cluster/nameserver/placement.h"
#include "tests/placement_test_util.h"

using namespace kv;
using namespace kv::ns;
using kv::test::Spread;
using kv::test::Tablets;

TEST_CASE("placement: no tablet holds two replicas of a partition, replicas and leaders spread evenly") {
  for (size_t n = 1; n <= 8; ++n) {
    const std::vector<std::string> tablets = Tablets(n);
    for (uint32_t replicas = 1; replicas <= n; ++replicas) {
      for (uint32_t partitions = 1; partitions <= 20; ++partitions) {
        for (uint32_t first : {0u, 1u, 5u}) {
          INFO("tablets " << n << " partitions " << partitions << " replicas " << replicas << " first " << first);
          Result<Placement> placed = PlaceReplicas(tablets, partitions, replicas, first);
          REQUIRE(placed.ok());
          REQUIRE(placed->size() == partitions);
          std::map<std::string, size_t> replica_count, leader_count;
          for (const std::vector<std::string>& partition : *placed) {
            REQUIRE(partition.size() == replicas);
            REQUIRE(std::set<std::string>(partition.begin(), partition.end()).size() == replicas);
            ++leader_count[partition.front()];
            for (const std::string& endpoint : partition) ++replica_count[endpoint];
          }
          CHECK(Spread(replica_count, tablets) <= 1);
          CHECK(Spread(leader_count, tablets) <= 1);
        }
      }
    }
  }
}

TEST_CASE("placement: the start rotates, so one-partition tables do not all lead on the same tablet") {
  const std::vector<std::string> tablets = Tablets(3);
  std::set<std::string> leaders;
  for (uint32_t tid = 1; tid <= 3; ++tid) leaders.insert(PlaceReplicas(tablets, 1, 3, tid)->front().front());
  CHECK(leaders.size() == 3);
}

TEST_CASE("placement: more replicas than tablets, or none, is refused with the reason") {
  Result<Placement> too_many = PlaceReplicas(Tablets(2), 8, 3, 0);
  REQUIRE(too_many.status().IsInvalidArgument());
  CHECK(too_many.status().message().find("3 replicas") != std::string::npos);
  CHECK(too_many.status().message().find("2 tablets") != std::string::npos);
  CHECK(PlaceReplicas(Tablets(2), 8, 0, 0).status().IsInvalidArgument());
  CHECK(PlaceReplicas({}, 8, 1, 0).status().IsInvalidArgument());
}

TEST_CASE("placement: the same input places the same way") {
  CHECK(*PlaceReplicas(Tablets(5), 8, 3, 2) == *PlaceReplicas(Tablets(5), 8, 3, 2));
}
