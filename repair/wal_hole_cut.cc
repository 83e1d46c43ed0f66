// CutAfterHole (wal_repair.h): whole segments out of a salvaged log, after
// its first hole the DB had not applied past.
#include <filesystem>

#include "common/file.h"
#include "common/quarantine.h"
#include "repair/lock_check.h"
#include "repair/wal_repair.h"
#include "wal/reader.h"
#include "wal/segment.h"

namespace kv::repair {

Result<HoleCut> CutAfterHole(const std::string& dir, uint64_t hole_from, const WalRepairOptions& options) {
  KV_ASSIGN_OR_RETURN(std::vector<std::string> segments, wal::ListSegmentFiles(dir));
  KV_ASSIGN_OR_RETURN(FileLock lock, LockForRepair(dir));
  HoleCut cut;
  std::optional<Quarantine> q;
  for (const std::string& segment : segments) {
    const auto first = wal::ParseSegmentFileName(std::filesystem::path(segment).filename().string());
    if (!first || *first <= hole_from) continue;
    if (!q) {
      KV_ASSIGN_OR_RETURN(Quarantine made, Quarantine::Create(QuarantineRootFor(dir, options), "after-wal-hole",
                                                              options.command));
      q = std::move(made);
    }
    KV_RETURN_IF_ERROR(q->MoveIn(segment, "after the hole at offset " + std::to_string(hole_from) +
                                              ", which the DB had not applied past"));
    cut.moved.push_back(segment);
  }
  if (q) {
    KV_RETURN_IF_ERROR(FsyncDir(dir));
    cut.quarantine_dir = q->dir();
  }
  return cut;
}

}  // namespace kv::repair
