// A replica's record count for heartbeats. Counting scans the whole replica,
// so it is done off the heartbeat's path (Tablet runs Refresh on a thread of
// its own) and only when something was applied since, at most once per
// max(min_interval, 20 x the last count's duration): the scans stay a few
// percent of one core however large the replica grows.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>

#include "storage/replica.h"

namespace kv::tablet {

class RecordCountCache {
 public:
  explicit RecordCountCache(std::chrono::milliseconds min_interval = std::chrono::seconds(1))
      : min_interval_(min_interval) {}

  uint64_t Get() const;  // the last count (0 before the first)
  // Recounts when due; a failed count keeps the last good one.
  void Refresh(const storage::Replica& replica);
  // A count just made by someone else (GetStatus), at that applied offset.
  void Offer(uint64_t applied_offset, uint64_t count);

 private:
  using SteadyTime = std::chrono::steady_clock;
  const std::chrono::milliseconds min_interval_;
  std::mutex refresh_mu_;  // one count at a time
  mutable std::mutex mu_;
  bool known_ = false;
  uint64_t count_ = 0;
  uint64_t counted_at_offset_ = 0;
  SteadyTime::time_point counted_at_{};
  SteadyTime::duration last_cost_{};
};

}  // namespace kv::tablet
