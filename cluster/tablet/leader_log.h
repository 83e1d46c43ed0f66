// What replicators read from the leader's log beyond the tail buffer: record
// runs from the WAL, and the terms Raft's fast backup needs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/replica.h"
#include "cluster/tablet/tail_buffer.h"
#include "common/status.h"
#include "wal/record.h"

namespace kv::tablet {

struct WalRun {
  std::vector<wal::Record> records;  // from `from` on, contiguous
  // The WAL starts after `from`: those records are gone from this leader's
  // log (retention, or a snapshot install), only a snapshot can bring a
  // follower past them.
  bool before_log_start = false;
};

// Reads records [from, up_to] from the WAL in wal_dir, at most `limits`. A torn
// tail ends the run (a write in progress); any other damage is Corruption.
Result<WalRun> ReadWalRun(const std::string& wal_dir, uint64_t from, uint64_t up_to, const BatchLimits& limits);

// The term of the leader's record at `offset` (0 for offset 0); the offset
// must be applied.
Result<uint64_t> TermAt(const storage::Replica& replica, uint64_t offset);

// The last offset of `term` in the leader's applied log, or nullopt when the
// log has no record of that term. Walks back one term at a time from the
// applied end, so it costs one lookup per newer term.
Result<std::optional<uint64_t>> LastOffsetOfTerm(const storage::Replica& replica, uint64_t term);

}  // namespace kv::tablet
