// The leader's newest records, kept in memory so that replicators seldom read
// the WAL. Writers add their records after Replica::Write returns; writers
// that share a group commit may add them in any order, so the buffer is keyed
// by offset and a reader takes only a contiguous run.
//
// Everything below the floor is only in the WAL: the offsets before the
// leader's term started (Reset) and those trimmed to keep the buffer bounded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <vector>

#include "wal/record.h"

namespace kv::tablet {

struct BatchLimits {
  size_t max_records = 512;
  size_t max_bytes = 1 << 20;  // payload bytes; a single larger record still goes alone
};

class TailBuffer {
 public:
  TailBuffer(size_t max_records, size_t max_bytes) : max_records_(max_records), max_bytes_(max_bytes) {}

  // Empties the buffer; offsets before `floor` are then only in the WAL.
  void Reset(uint64_t floor);
  void Add(const std::vector<wal::Record>& records);

  enum class Found {
    kRecords,    // *out holds the run from `from`
    kNotYet,     // `from` is at or past the floor but not added yet
    kOnlyInWal,  // `from` is below the floor
  };
  Found Read(uint64_t from, const BatchLimits& limits, std::vector<wal::Record>* out) const;

 private:
  void TrimLocked();

  const size_t max_records_;
  const size_t max_bytes_;
  mutable std::mutex mu_;
  uint64_t floor_ = 1;
  size_t bytes_ = 0;
  std::map<uint64_t, wal::Record> records_;
};

}  // namespace kv::tablet
