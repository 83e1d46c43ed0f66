// The content checksum of a replica's data (docs/storage.md, "Content checksum").
//
// Order-independent: the sum (mod 2^64) of XXH64 over each entry's
// fixed32le(key length) | key | value, with the number of entries. Two replicas
// holding the same keys and values agree whatever their write history,
// batching or compaction; and because a sum does not care about order, parts
// computed separately (key ranges scanned in parallel, or a future checksum
// kept up to date at write time) add up to the whole.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kv::storage {

// XXH64 (xxHash, 64-bit) of data, as specified by the xxHash project.
uint64_t Xxh64(std::string_view data, uint64_t seed = 0);

struct ContentChecksum {
  static constexpr const char* kAlgorithm = "xxh64-sum-v1";

  uint64_t record_count = 0;
  uint64_t sum = 0;

  void Add(std::string_view key, std::string_view value);
  std::string Hex() const;  // the sum as 16 hex digits
  bool operator==(const ContentChecksum&) const = default;
};

}  // namespace kv::storage
