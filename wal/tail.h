// The end of a log, found by reading only its tail.
//
// Recovery needs every replica's last (term, offset) from its files alone,
// cheaply (design brief, "collect"). Each record ends with its own length, so
// the last record of the last segment is found from the end of the file and
// checked with both checksums; only when that fails (a torn tail) is the last
// segment scanned, and never more than the last segments.
//
// By design FindTail does not see damage before the end of the log: a bad
// record in an earlier segment, or earlier in the last one when it ends in a
// valid record, leaves the tail as it is. Finding such damage takes a full read
// (ReadLog, `inspect wal --verify`).
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace kv::wal {

struct LogTail {
  bool empty = true;            // no record anywhere in the tail segments
  uint64_t first_offset = 0;    // first offset named by the oldest segment file (0: no segment)
  uint64_t last_offset = 0;     // last valid record's offset
  uint64_t last_term = 0;       // ... and its term
  std::string last_file;        // the segment holding it
  uint64_t end_pos = 0;         // byte just after it: appends go on from here
  // Bytes after end_pos in the newest segment that has a header (a torn tail);
  // when that segment holds no record, the bytes after its header.
  uint64_t torn_bytes = 0;
  uint32_t tid = 0, pid = 0;    // identity from the newest segment's header
  bool used_fast_path = false;  // found from trailers alone, no segment scanned
  uint64_t segments = 0;        // number of segment files, unfinished_segment included
  // The newest segment file when its header was never completely written
  // (wal/file_window.h, IsUnfinishedSegmentFile): part of the torn tail, as the
  // reader says too. Everything above then describes the segments before it.
  std::string unfinished_segment;
};

// NotFound when dir does not exist; Corruption when the last segments cannot be
// made sense of: a bad header, damage that is not a torn tail, a segment before
// the newest that does not end cleanly or does not lead to it.
Result<LogTail> FindTail(const std::string& dir);

}  // namespace kv::wal
