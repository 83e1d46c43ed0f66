// The promises the WAL reader makes about any bytes at all, checked in one place
// for the fuzzer (fuzz/wal_reader_fuzz.cc) and the deterministic mutation test
// (tests/wal_fuzz_regression_test.cc).
#pragma once

#include <string>
#include <vector>

namespace kv::wal::fuzz {

// Reads the segment files of dir (salvage, strict and tolerate-torn-tail modes),
// runs FindTail and decodes every record delivered; returns the first promise
// broken, or "" when all hold:
//   - every record delivered is intact: its bytes on disk parse with both checksums
//     and its trailer, and say what the reader said;
//   - offsets delivered strictly increase;
//   - records and damage reports tile every file exactly (a header, when read,
//     and nothing else is left out), and the summary's counts agree;
//   - strict mode succeeds exactly when there is no damage, tolerate-torn-tail
//     exactly when all damage is a torn tail;
//   - when all damage is a torn tail, FindTail finds the reader's last record.
std::string CheckReaderPromises(const std::string& dir);

}  // namespace kv::wal::fuzz
