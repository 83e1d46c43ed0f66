// The records wal-bench writes, and the timed loop that appends them.
//
// Record n is a put of BenchKey(n) with BenchValue(n): the content follows from
// n alone, so a log made by `wal-bench write` is recognisable in `inspect wal`
// and the same flags make the same bytes (single-threaded). With one appender n
// is the record's offset; with several, n is the order in which they took
// their records, and the log holds them in the order the writer queued them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"
#include "wal/writer.h"

namespace kv::bench {

// "key" followed by n zero-padded to key_size bytes in all.
std::string BenchKey(uint64_t n, size_t key_size);
// The smallest key size that holds every n up to last.
size_t MinKeySize(uint64_t last);
// size bytes, starting "value<n>-" (cut to size) and going on with letters.
std::string BenchValue(uint64_t n, size_t size);

struct WorkloadOptions {
  uint64_t records = 1000;
  size_t value_size = 100;
  size_t key_size = 16;
  uint64_t term_every = 0;  // a new term every this many records; 0 = one term for all
  unsigned threads = 1;     // concurrent appenders, each one record per Append
};

// What one timed run appended.
struct AppendStats {
  unsigned threads = 1;
  uint64_t records = 0;
  uint64_t first_n = 0, last_n = 0;  // the record numbers written
  uint64_t log_bytes = 0;            // encoded records (headers, payloads, trailers)
  double seconds = 0;
  uint64_t syncs = 0;                // fsync + fdatasync calls during the run
};

// InvalidArgument when the options cannot make a valid log, e.g. a key size
// too small for the last record number, or terms with several appenders (their
// order in the log is not known in advance, so terms could go backwards).
Status ValidateWorkload(const WorkloadOptions& o, uint64_t first_n);

// Appends records numbered from writer->last_offset() + 1, one Append per
// record as a store would. The time runs until the writer is closed, so it
// includes the final fsync at wal_level 2.
Result<AppendStats> RunWorkload(std::unique_ptr<wal::Writer> writer, const WorkloadOptions& o);

}  // namespace kv::bench
