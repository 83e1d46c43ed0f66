// Where the replicas of a new table go: a pure function, so its properties are
// tested directly (tests/nameserver_placement_test.cc).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace kv::ns {

// For each partition (index = pid), the endpoints of its replicas, the leader
// first. Guarantees, for replicas <= tablets.size():
//   - no tablet holds two replicas of one partition;
//   - replicas per tablet differ by at most one across tablets;
//   - leaders per tablet differ by at most one across tablets.
// first_tablet rotates the start (callers pass e.g. the tid) so that many small
// tables do not all put their leaders on the same tablet.
// InvalidArgument when replicas is 0 or more than the tablets.
using Placement = std::vector<std::vector<std::string>>;
Result<Placement> PlaceReplicas(const std::vector<std::string>& tablets, uint32_t partitions,
                                uint32_t replicas, uint32_t first_tablet);

}  // namespace kv::ns
