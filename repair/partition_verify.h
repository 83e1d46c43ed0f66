// `repair partition verify`: does a replica's DB hold what its WAL says it
// should? Read-only, and refused like every repair while the replica is in use
// (its DB would be seen as of its last flush, mid-compaction).
//
// Two checks: RocksDB's block checksums over every SST file in db/ (and the
// files its MANIFEST lists being there), then the content the DB should hold
// at its applied (term, offset), derived from the WAL and compared with the
// DB's content checksum (docs/storage.md, "Content checksum"). The derivation
// starts from the newest snapshot that verifies and that the WAL continues, or
// from an empty DB when the WAL starts at offset 1; it keeps only the keys the
// WAL touches in memory (with each entry's hash) and looks the others up in
// the snapshot, so memory grows with the keys written since the snapshot, not
// with the data.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "storage/checksum.h"
#include "storage/log_position.h"
#include "common/status.h"
#include "inspect/partition_inspect.h"

namespace kv::repair {

struct VerifyReport {
  inspect::PartitionReport inspected;                // SST checks, applied position, the DB's content checksum
  std::optional<storage::LogPosition> at;            // the applied position compared at
  std::optional<storage::ContentChecksum> actual;    // the DB's
  std::optional<storage::ContentChecksum> expected;  // derived from the WAL
  std::string base;                                  // where the derivation started
  uint64_t records_replayed = 0;                     // WAL records the derivation applied
  std::vector<std::string> problems;                 // one line each; empty: consistent

  bool consistent() const { return problems.empty(); }
};

// Called every so many records while deriving, for progress on long logs.
using VerifyProgress = std::function<void(uint64_t replayed, uint64_t total)>;

// NotFound for a missing folder, Busy while it is in use; every inconsistency
// found is a problem in the report.
Result<VerifyReport> VerifyPartition(const storage::ReplicaPaths& replica, const VerifyProgress& progress = {});

}  // namespace kv::repair
