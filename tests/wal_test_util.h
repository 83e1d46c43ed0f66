// WAL fixtures for tests: write a log of known records, read it back.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "wal/reader.h"
#include "wal/writer.h"

namespace kv::test {

// The key and value of the record at offset i in logs made by WriteTestLog.
std::string TestKey(uint64_t i);
std::string TestValue(uint64_t i, size_t size = 32);

struct TestLogOptions {
  uint64_t records = 100;
  uint64_t segment_bytes = 4096;  // small, so that tests see several segments
  uint32_t tid = 7, pid = 3;
  uint64_t term_every = 40;       // a new term every this many records (terms 1, 2, ...)
  size_t value_size = 32;
};
// Writes records 1..n (puts) to dir; returns the segment files, oldest first.
std::vector<std::string> WriteTestLog(const std::string& dir, const TestLogOptions& o = {});

// Everything a read saw.
struct Collected {
  std::vector<uint64_t> offsets;
  std::vector<wal::Damage> damages;
  wal::ReadSummary summary;
};
class CollectingHandler : public wal::ReadHandler {
 public:
  bool OnRecord(const wal::RecordView& r, const wal::RecordLocation&) override;
  bool OnDamage(const wal::Damage& d) override;
  Collected c;
};
Collected ReadAll(const std::string& dir, const wal::ReadOptions& o = {});

}  // namespace kv::test
