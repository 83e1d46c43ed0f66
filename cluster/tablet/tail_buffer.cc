#include "cluster/tablet/tail_buffer.h"

namespace kv::tablet {

void TailBuffer::Reset(uint64_t floor) {
  std::lock_guard<std::mutex> l(mu_);
  records_.clear();
  bytes_ = 0;
  floor_ = floor;
}

void TailBuffer::Add(const std::vector<wal::Record>& records) {
  std::lock_guard<std::mutex> l(mu_);
  for (const wal::Record& r : records) {
    if (r.offset < floor_) continue;  // trimmed while its writer was on the way: the WAL has it
    bytes_ += r.payload.size();
    records_.emplace(r.offset, r);
  }
  TrimLocked();
}

void TailBuffer::TrimLocked() {
  while (!records_.empty() && (records_.size() > max_records_ || bytes_ > max_bytes_)) {
    auto oldest = records_.begin();
    bytes_ -= oldest->second.payload.size();
    floor_ = oldest->first + 1;
    records_.erase(oldest);
  }
}

TailBuffer::Found TailBuffer::Read(uint64_t from, const BatchLimits& limits, std::vector<wal::Record>* out) const {
  out->clear();
  std::lock_guard<std::mutex> l(mu_);
  if (from < floor_) return Found::kOnlyInWal;
  size_t bytes = 0;
  for (auto it = records_.find(from); it != records_.end() && it->first == from + out->size(); ++it) {
    if (out->size() >= limits.max_records) break;
    if (!out->empty() && bytes + it->second.payload.size() > limits.max_bytes) break;
    bytes += it->second.payload.size();
    out->push_back(it->second);
  }
  return out->empty() ? Found::kNotYet : Found::kRecords;
}

}  // namespace kv::tablet
