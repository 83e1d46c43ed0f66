// Leases from the nameserver (invariant 4).
//
// A heartbeat's answer names the partitions the tablet leads, each at its
// current term. The lease on them runs from the moment the heartbeat was SENT
// (not received: the nameserver's clock for the tablet started no later than
// that) for lease_ms on the tablet's monotonic clock. Each answer replaces the
// previous grants: a partition the nameserver no longer names loses its lease
// at once. The nameserver declares a tablet offline only after a timeout longer
// than the lease, so a leader that was paused has stopped writing before
// anyone replaces it.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <vector>

#include "cluster/tablet/clock.h"
#include "cluster/tablet/partition_key.h"

namespace kv::tablet {

struct LeaseGrant {
  PartitionKey partition;
  uint64_t term = 0;
};

class LeaseTable {
 public:
  explicit LeaseTable(const Clock& clock) : clock_(clock) {}

  // The grants of the answer to a heartbeat sent at sent_at. An answer to an
  // older heartbeat than one already applied is ignored.
  void Grant(Clock::TimePoint sent_at, std::chrono::milliseconds lease, const std::vector<LeaseGrant>& grants);

  // True while the partition holds an unexpired lease at exactly this term.
  bool Valid(PartitionKey partition, uint64_t term) const;

  const Clock& clock() const { return clock_; }

 private:
  struct Lease {
    uint64_t term = 0;
    Clock::TimePoint until;
  };
  const Clock& clock_;
  mutable std::mutex mu_;
  Clock::TimePoint newest_sent_{};
  std::map<PartitionKey, Lease> leases_;
};

}  // namespace kv::tablet
