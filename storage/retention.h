// WAL retention: deleting whole segments that nothing needs any more. Records
// below the newest snapshot are in the snapshot, and records below the
// followers' low-water mark are held by every follower; a segment all of whose
// records are below both is obsolete. Deleting it is normal operation (the
// data lives on in the snapshot), not repair, so it is deleted, not quarantined.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace kv::storage {

struct SegmentSpan {
  std::string path;
  uint64_t first_offset = 0;
};

struct RetentionPlan {
  uint64_t keep_from = 0;                 // the oldest offset still needed
  std::vector<std::string> obsolete;      // segments to delete, oldest first
};

// segments: the WAL's segments sorted by first offset. Segment i holds offsets
// [first_i, first_{i+1} - 1]; it is obsolete when first_{i+1} - 1 < keep_from.
// The newest segment (being appended to) is never obsolete, and the newest
// keep_extra obsolete segments are kept anyway (margin for slow followers and tools).
RetentionPlan PlanWalRetention(const std::vector<SegmentSpan>& segments, uint64_t keep_from,
                               uint32_t keep_extra);

// The WAL's segments, sorted by first offset (from their names).
Result<std::vector<SegmentSpan>> ListSegmentSpans(const std::string& wal_dir);

}  // namespace kv::storage
