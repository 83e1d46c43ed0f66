#include "wal/durability.h"

#include <string>

namespace kv::wal {

Status CheckWalLevel(int64_t level) {
  if (level == 1 || level == 2) return Status::OK();
  return Status::InvalidArgument("wal_level must be 1 (written) or 2 (fsynced), not " + std::to_string(level));
}

Result<Durability> Durability::Resolve(uint32_t wal_level, uint32_t fsync_period_ms) {
  Durability d;
  d.wal_level = wal_level == 0 ? kDefaultLevel : wal_level;
  d.fsync_period_ms = fsync_period_ms;
  KV_RETURN_IF_ERROR(CheckWalLevel(d.wal_level));
  if (d.fsync_period_ms > 0 && d.wal_level != 2) {
    return Status::InvalidArgument("wal_fsync_period_ms applies to wal_level 2 only");
  }
  if (d.fsync_period_ms > kMaxFsyncPeriodMs) {
    return Status::InvalidArgument("wal_fsync_period_ms must be at most " + std::to_string(kMaxFsyncPeriodMs));
  }
  return d;
}

}  // namespace kv::wal
