// A replica's record count for heartbeats. Counting scans the whole replica,
// so a heartbeat every 100 ms cannot count afresh: the count is recomputed
// only when something was applied since, and then at most once per
// max(min_interval, 20 x the last count's duration), keeping the scans to a
// few percent of one core however large the replica grows.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>

#include "cluster/storage/replica.h"

namespace kv::tablet {

class RecordCountCache {
 public:
  explicit RecordCountCache(std::chrono::milliseconds min_interval = std::chrono::seconds(1))
      : min_interval_(min_interval) {}

  // The cached count, recounted when due; the last good count if counting fails.
  uint64_t Get(const storage::Replica& replica);
  // A count just made by someone else (GetStatus), at that applied offset.
  void Offer(uint64_t applied_offset, uint64_t count);

 private:
  using SteadyTime = std::chrono::steady_clock;
  const std::chrono::milliseconds min_interval_;
  std::mutex mu_;
  bool known_ = false;
  uint64_t count_ = 0;
  uint64_t counted_at_offset_ = 0;
  SteadyTime::time_point counted_at_{};
  SteadyTime::duration last_cost_{};
};

}  // namespace kv::tablet
