#include "cluster/tablet/lease_table.h"

namespace kv::tablet {

void LeaseTable::Grant(Clock::TimePoint sent_at, std::chrono::milliseconds lease,
                       const std::vector<LeaseGrant>& grants) {
  std::lock_guard<std::mutex> l(mu_);
  if (sent_at < newest_sent_) return;
  newest_sent_ = sent_at;
  leases_.clear();
  for (const LeaseGrant& g : grants) leases_[g.partition] = {g.term, sent_at + lease};
}

bool LeaseTable::Valid(PartitionKey partition, uint64_t term) const {
  const Clock::TimePoint now = clock_.Now();
  std::lock_guard<std::mutex> l(mu_);
  auto it = leases_.find(partition);
  return it != leases_.end() && it->second.term == term && now < it->second.until;
}

}  // namespace kv::tablet
