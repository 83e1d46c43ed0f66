// Append throughput at the WAL's durability levels, each in a fresh log.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench/report.h"
#include "bench/workload.h"
#include "common/status.h"

namespace kv::bench {

struct AppendMode {
  std::string name;
  int wal_level = 1;
  uint32_t fsync_period_ms = 0;
  unsigned threads = 1;
  // Enough records for about a second on a small virtual machine: many where
  // appends only write, few where each waits for its own fsync.
  uint64_t default_records = 1000;
};

// wal_level 1; wal_level 2 with fsync_period_ms 0 and 100; and 16 appenders at
// wal_level 2 period 0, whose syncs the writer shares among them (group commit).
std::vector<AppendMode> StandardAppendModes();

// The mode's name for a write with these settings, e.g. "wal_level 2, fsync every 100 ms".
std::string ModeName(int wal_level, uint32_t fsync_period_ms);

// Appends `records` records of value_size bytes in mode, in a new folder under
// tmp_root ($TMPDIR when empty) that is removed afterwards.
Result<AppendStats> RunAppendMode(const AppendMode& mode, uint64_t records, size_t value_size,
                                  const std::string& tmp_root);

// Every standard mode in turn, with a note on stderr as each starts; records 0
// means each mode's default_records.
Result<std::vector<AppendRow>> RunStandardAppendModes(uint64_t records, size_t value_size,
                                                      const std::string& tmp_root);

}  // namespace kv::bench
