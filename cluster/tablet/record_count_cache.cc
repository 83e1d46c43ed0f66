#include "cluster/tablet/record_count_cache.h"

#include <algorithm>

namespace kv::tablet {

uint64_t RecordCountCache::Get(const storage::Replica& replica) {
  std::lock_guard<std::mutex> l(mu_);
  const uint64_t applied = replica.Applied().offset;
  const auto now = SteadyTime::now();
  const auto wait = std::max<SteadyTime::duration>(min_interval_, last_cost_ * 20);
  if (known_ && (applied == counted_at_offset_ || now - counted_at_ < wait)) return count_;
  auto count = replica.Count();
  const auto end = SteadyTime::now();
  last_cost_ = end - now;
  counted_at_ = end;
  if (count.ok()) {
    known_ = true;
    count_ = *count;
    counted_at_offset_ = applied;
  }
  return count_;
}

void RecordCountCache::Offer(uint64_t applied_offset, uint64_t count) {
  std::lock_guard<std::mutex> l(mu_);
  known_ = true;
  count_ = count;
  counted_at_offset_ = applied_offset;
  counted_at_ = SteadyTime::now();
}

}  // namespace kv::tablet
