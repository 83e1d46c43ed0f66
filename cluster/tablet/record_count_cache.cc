#include "cluster/tablet/record_count_cache.h"

#include <algorithm>

namespace kv::tablet {

uint64_t RecordCountCache::Get() const {
  std::lock_guard<std::mutex> l(mu_);
  return count_;
}

void RecordCountCache::Refresh(const storage::Replica& replica) {
  std::lock_guard<std::mutex> one(refresh_mu_);
  const uint64_t applied = replica.Applied().offset;
  const auto start = SteadyTime::now();
  {
    std::lock_guard<std::mutex> l(mu_);
    const auto wait = std::max<SteadyTime::duration>(min_interval_, last_cost_ * 20);
    if (known_ && (applied == counted_at_offset_ || start - counted_at_ < wait)) return;
  }
  auto count = replica.Count();
  const auto end = SteadyTime::now();
  std::lock_guard<std::mutex> l(mu_);
  last_cost_ = end - start;
  counted_at_ = end;
  if (!count.ok()) return;
  known_ = true;
  count_ = *count;
  counted_at_offset_ = applied;
}

void RecordCountCache::Offer(uint64_t applied_offset, uint64_t count) {
  std::lock_guard<std::mutex> l(mu_);
  known_ = true;
  count_ = count;
  counted_at_offset_ = applied_offset;
  counted_at_ = SteadyTime::now();
}

}  // namespace kv::tablet
