// Latencies in microseconds, as HdrHistogram keeps them: log-linear buckets
// (exact below 128 us, then 64 buckets per power of two, so every value is
// kept within 1/64 = 1.6% of itself) in a fixed array, whatever the number
// of samples. Percentiles, min, max and mean as go-ycsb prints them. Not
// thread-safe: one per thread, merged.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace kv::bench {

class LatencyHistogram {
 public:
  // Values above kMaxMicros (about 4.6 h) count as kMaxMicros.
  static constexpr uint64_t kMaxMicros = uint64_t{1} << 34;

  void Record(uint64_t micros);
  void Merge(const LatencyHistogram& other);
  void Clear() { *this = LatencyHistogram(); }

  uint64_t count() const { return count_; }
  uint64_t min() const { return count_ ? min_ : 0; }
  uint64_t max() const { return max_; }
  double mean() const { return count_ ? double(sum_) / double(count_) : 0; }
  // The smallest recorded value v (to the bucket's precision) such that at
  // least p percent of the samples are <= v; 0 without samples. p in [0, 100].
  uint64_t Percentile(double p) const;

 private:
  static constexpr int kSubBits = 6;                   // 64 sub-buckets per power of two
  static constexpr uint64_t kLinear = 1u << (kSubBits + 1);  // exact below 128
  static constexpr size_t kBuckets = kLinear + (34 - kSubBits) * (1u << kSubBits);
  static size_t IndexOf(uint64_t micros);
  static uint64_t HighestIn(size_t index);  // the largest value the bucket holds

  std::array<uint64_t, kBuckets> counts_{};
  uint64_t count_ = 0, sum_ = 0, min_ = UINT64_MAX, max_ = 0;
};

}  // namespace kv::bench
