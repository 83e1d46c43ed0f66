// What a YCSB workload runs against (runner.h): the three calls its
// operations make. The replicated store through its client
// (client_store.h) is one; `ycsb-ratio` (bench/) runs the very same workload
// code against an embedded RocksDB too, to put the two side by side.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/status.h"

namespace kv::bench {

// Where an acknowledged write landed (what the ledger records).
struct StoreAck {
  uint32_t pid = 0;
  uint64_t term = 0;
  uint64_t offset = 0;
};

// Thread-safe: every worker thread of a run calls the same store. A table
// the store does not hold is NotFound.
class Store {
 public:
  virtual ~Store() = default;
  virtual Result<StoreAck> Put(const std::string& table, const std::string& key, const std::string& value) = 0;
  // The value, or nullopt when the table does not hold the key.
  virtual Result<std::optional<std::string>> Get(const std::string& table, const std::string& key) = 0;
  // Up to limit records (0: no limit) from key `from` on, in key order: how many were read.
  virtual Result<uint64_t> Scan(const std::string& table, const std::string& from, uint64_t limit) = 0;
};

}  // namespace kv::bench
