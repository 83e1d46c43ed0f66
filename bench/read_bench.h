// Reading a whole WAL as fast as the library can, timed against `cat`.
//
// scan: every record through kv::wal::ReadLog (both checksums checked, salvage
// policy: damage is counted and the read goes on). verify: the same, and every
// payload decoded into its ops with ForEachOp, as a replay would.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "wal/reader.h"

namespace kv::bench {

// What one read found.
struct ReadCounts {
  uint64_t segments = 0;
  uint64_t file_bytes = 0;  // bytes of all segment files
  uint64_t records = 0;
  uint64_t payload_bytes = 0;
  uint64_t ops = 0;           // decoded ops (verify only)
  uint64_t damages = 0;       // damaged regions the reader reported
  uint64_t bad_payloads = 0;  // checksummed records whose payload did not decode (verify only)
  wal::ReadEnd end = wal::ReadEnd::kCleanEnd;
  std::string first_problem;  // the first damage or bad payload, for the operator
  bool problems() const { return damages > 0 || bad_payloads > 0; }
};

Result<ReadCounts> ReadOnce(const std::string& dir, bool decode_ops);

// Wall times of repeated runs.
struct Timings {
  std::vector<double> seconds;
  double Median() const;
  double Best() const;
};

struct ReadComparison {
  ReadCounts counts;
  Timings reader;
  Timings cat;
};

// Warms the page cache with one run of each, then times the reader and cat
// `runs` times each, alternating, so both meet the same noise on a shared machine.
// InvalidArgument when dir holds no segment file.
Result<ReadComparison> CompareWithCat(const std::string& dir, bool decode_ops, int runs);

}  // namespace kv::bench
