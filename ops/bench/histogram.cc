#include "ops/bench/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include "common/invariant.h"

namespace kv::bench {

// Below kLinear: the value itself. Above: the power of two it falls in
// (2^e, e >= 7) picks a run of 64 buckets, its next 6 bits the bucket.
size_t LatencyHistogram::IndexOf(uint64_t micros) {
  if (micros < kLinear) return size_t(micros);
  const int e = std::bit_width(micros) - 1;       // 2^e <= micros < 2^(e+1), e >= 7
  const int shift = e - kSubBits;                  // keeps the top 7 bits: 64..127
  const uint64_t sub = (micros >> shift) - (uint64_t{1} << kSubBits);
  return kLinear + size_t(e - (kSubBits + 1)) * (size_t{1} << kSubBits) + size_t(sub);
}

uint64_t LatencyHistogram::HighestIn(size_t index) {
  if (index < kLinear) return index;
  const size_t run = (index - kLinear) >> kSubBits;
  const uint64_t sub = (index - kLinear) & ((size_t{1} << kSubBits) - 1);
  const int shift = int(run) + 1;  // e - kSubBits with e = run + kSubBits + 1
  return (((uint64_t{1} << kSubBits) + sub + 1) << shift) - 1;
}

void LatencyHistogram::Record(uint64_t micros) {
  micros = std::min(micros, kMaxMicros);
  const size_t i = IndexOf(micros);
  KV_INVARIANT("histogram bucket in range", i < kBuckets, std::to_string(micros));
  ++counts_[i];
  ++count_;
  sum_ += micros;
  min_ = std::min(min_, micros);
  max_ = std::max(max_, micros);
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (size_t i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

uint64_t LatencyHistogram::Percentile(double p) const {
  if (count_ == 0) return 0;
  const double clamped = std::clamp(p, 0.0, 100.0);
  const uint64_t rank = std::max<uint64_t>(1, uint64_t(std::ceil(clamped / 100.0 * double(count_))));
  uint64_t seen = 0;
  for (size_t i = 0; i < kBuckets; ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::min(HighestIn(i), max_);
  }
  return max_;
}

}  // namespace kv::bench
