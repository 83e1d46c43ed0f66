// CutAfterHole (wal_repair.h): whole segments out of a salvaged log, after
// its first hole the DB had not applied past.
#include <filesystem>

#include "common/file.h"
#include "common/quarantine.h"
#include "repair/lock_check.h"
#include "repair/wal_repair.h"
#include "wal/format.h"
#include "wal/reader.h"

namespace kv::repair {

namespace {

// The first offset a segment file's name gives (20 digits + ".log"), 0 if none.
uint64_t FirstOffsetOfName(const std::string& path) {
  const std::string name = std::filesystem::path(path).filename().string();
  const std::string digits = name.substr(0, name.find('.'));
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) return 0;
  return std::stoull(digits);
}

}  // namespace

Result<HoleCut> CutAfterHole(const std::string& dir, uint64_t hole_from, const WalRepairOptions& options) {
  KV_ASSIGN_OR_RETURN(std::vector<std::string> segments, wal::ListSegmentFiles(dir));
  KV_ASSIGN_OR_RETURN(FileLock lock, LockForRepair(dir));
  HoleCut cut;
  std::optional<Quarantine> q;
  for (const std::string& segment : segments) {
    if (FirstOffsetOfName(segment) <= hole_from) continue;
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
