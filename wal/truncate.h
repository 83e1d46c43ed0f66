// Cutting a log back to an offset, keeping what is cut.
//
// A follower whose log diverged from its new leader must drop its suffix
// (invariant 2), but never silently: the cut records go to a quarantine folder
// that is itself a readable WAL folder (`inspect wal <quarantine>` lists them).
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace kv::wal {

struct TruncateResult {
  bool changed = false;          // false when nothing lay after the offset
  std::string quarantine_dir;    // where the cut records went
  uint64_t records_cut = 0;
  uint64_t first_cut_offset = 0;
  uint64_t last_cut_offset = 0;
  uint64_t bytes_cut = 0;
};

// Keeps records with offset <= keep_through (0 keeps nothing). Takes <dir>/LOCK,
// so it fails with Busy while a writer has the log open. Reads from the segment
// holding keep_through on: refuses (Corruption) when that segment is damaged
// before the cut point, and (InvalidArgument) when the record keep_through is not
// there intact. Damage after the cut point is cut and kept with the rest.
Result<TruncateResult> TruncateAfter(const std::string& dir, uint64_t keep_through,
                                     const std::string& quarantine_root, const std::string& command);

}  // namespace kv::wal
