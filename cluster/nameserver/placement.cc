// Round-robin with offsets. Lay the partitions' replica slots end to end,
// slot i = pid * R + r, and put slot i on tablet i mod n: R consecutive slots
// are R distinct tablets (R <= n), and the slots spread evenly.
//
// The leader is slot (pid * R + a) with a = (pid / (n/g)) mod g, g = gcd(R, n):
// the partition's first slot pid*R mod n steps through the n/g multiples of g,
// and every n/g partitions a moves on by one, so each run of n consecutive
// partitions puts exactly one leader on every tablet (a < g <= R keeps the
// leader inside the partition's own slots).
#include "cluster/nameserver/placement.h"

#include <numeric>

namespace kv::ns {

Result<Placement> PlaceReplicas(const std::vector<std::string>& tablets, uint32_t partitions,
                                uint32_t replicas, uint32_t first_tablet) {
  const uint64_t n = tablets.size();
  if (replicas == 0) return Status::InvalidArgument("a partition needs at least one replica");
  if (replicas > n) {
    return Status::InvalidArgument("cannot place " + std::to_string(replicas) + " replicas of a partition on " +
                                   std::to_string(n) + " tablets: no tablet may hold two replicas of one partition");
  }
  const uint64_t r_count = replicas;
  const uint64_t g = std::gcd(r_count, n);
  const uint64_t starts_per_round = n / g;
  Placement placement(partitions);
  for (uint64_t pid = 0; pid < partitions; ++pid) {
    const uint64_t leader_slot = (pid / starts_per_round) % g;
    std::vector<std::string>& endpoints = placement[pid];
    for (uint64_t k = 0; k < r_count; ++k) {
      // Leader first, then the partition's other slots in order.
      const uint64_t slot = (leader_slot + k) % r_count;
      endpoints.push_back(tablets[(first_tablet + pid * r_count + slot) % n]);
    }
  }
  return placement;
}

}  // namespace kv::ns
