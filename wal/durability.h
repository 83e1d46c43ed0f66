// How durable an appended record is when Append returns (wal/writer.h): the
// settings a table carries from `ops create table` through the nameserver to
// every replica's WAL. Checked here, once, for every place that takes them.
//
//   wal_level 1  written to the OS: survives a process crash, not a machine crash
//   wal_level 2  fsynced; fsync_period_ms 0 before Append returns, P > 0 in the
//                background every P ms (Append returns once written)
#pragma once

#include <cstdint>

#include "common/status.h"

namespace kv::wal {

struct Durability {
  static constexpr uint32_t kDefaultLevel = 1;
  static constexpr uint32_t kMaxFsyncPeriodMs = 10000;

  uint32_t wal_level = kDefaultLevel;
  uint32_t fsync_period_ms = 0;

  // The settings as a request or a file gives them, where 0 means "not given":
  // wal_level 0 is kDefaultLevel. InvalidArgument naming what is wrong: a level
  // other than 1 or 2, a period without level 2, a period over kMaxFsyncPeriodMs.
  static Result<Durability> Resolve(uint32_t wal_level, uint32_t fsync_period_ms);
};

// InvalidArgument unless level is 1 or 2 (no default applied).
Status CheckWalLevel(int64_t level);

}  // namespace kv::wal
