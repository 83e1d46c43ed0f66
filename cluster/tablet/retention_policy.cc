#include "cluster/tablet/retention_policy.h"

#include <algorithm>
#include <limits>

namespace kv::tablet {

uint64_t FollowersLowWaterMark(const std::vector<std::string>& followers,
                               const std::map<std::string, FollowerState>& progress,
                               std::chrono::steady_clock::time_point lead_since,
                               std::chrono::steady_clock::time_point now, std::chrono::milliseconds grace) {
  uint64_t low = std::numeric_limits<uint64_t>::max();
  for (const std::string& f : followers) {
    FollowerState state;  // never heard from: nothing held yet
    if (auto it = progress.find(f); it != progress.end()) state = it->second;
    if (state.needs_snapshot) continue;  // the WAL lacks what it needs already: the snapshot being sent holds it back
    const auto heard = std::max(state.last_answer, lead_since);
    if (!state.connected && now - heard >= grace) continue;  // left behind: a snapshot will bring it back
    low = std::min(low, state.match_offset + 1);
  }
  return low;
}

}  // namespace kv::tablet
