// The figures wal-bench prints: an aligned table for people, or one JSON
// object per row with --json. MB are 10^6 bytes.
#pragma once

#include <string>
#include <vector>

#include "bench/read_bench.h"
#include "bench/workload.h"

namespace kv::bench {

struct AppendRow {
  std::string mode;
  AppendStats stats;
};
// Columns: mode, threads, records, seconds, records/s, MB/s, syncs, records per sync.
void PrintAppendRows(const std::vector<AppendRow>& rows, bool json);

struct ReadRow {
  std::string data;    // which log (its folder, or a label)
  std::string reader;  // "scan" or "verify"
  ReadComparison result;
};
// Two lines per row, the reader's and cat's, with medians, best runs and the
// reader's speed as a fraction of cat's.
void PrintReadRows(const std::vector<ReadRow>& rows, bool json);

}  // namespace kv::bench
