// How fuzz input bytes become segment files: used by the libFuzzer target
// (fuzz/wal_reader_fuzz.cc) and by tests/wal_fuzz_regression_test.cc, which
// replays inputs the fuzzer once found.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace kv::wal::fuzz {

struct SegmentBytes {
  std::string name;  // file name inside the folder
  std::string bytes;
};

// Byte 0 chooses how the rest becomes files.
//   bit 2 clear (raw): bytes 1-2 give a split point, byte 3 the second file's
//     first offset, the rest is the file bytes.
//     bit 0: the first file starts with a valid segment header
//     bit 1: the bytes are split into two files
//     bit 3: the second file starts with a valid segment header too
//   bit 2 set (recipe): the rest is a list of steps that build segments of
//     records with valid checksums, so that the fuzzer reaches the reader's
//     logic past the checksums (offset jumps, overlaps, term regressions,
//     resynchronisation) as easily as its parsing. Each step starts with a byte s:
//       s < 0xe0: a record of type s & 3; s & 4: offset moves by the next
//                 (signed) byte instead of +1; s & 8: term moves by the next
//                 (signed) byte; then a length byte and the payload
//       s < 0xf0: raw bytes (damage): a length byte and the bytes
//       s < 0xf8: cut the next byte's count of bytes off the segment (a torn end)
//       else:     start the next segment (at most 4): s & 1: its first offset
//                 moves by the next (signed) byte; s & 2: another partition's
std::vector<SegmentBytes> SegmentsFromFuzzInput(const uint8_t* data, size_t size);

// Empties dir and writes the files into it; false when the filesystem refuses.
bool ReplaceFolderContents(const std::string& dir, const std::vector<SegmentBytes>& files);

}  // namespace kv::wal::fuzz
