// Rebuilding a replica's DB from its newest usable snapshot and its WAL: what a
// divergent follower's TruncateAfter needs when the DB had applied past the
// cut, and what `repair partition rebuild` runs on a DB that is lost, damaged
// or ahead of its WAL. The old db/ goes to quarantine; nothing is deleted.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "storage/log_position.h"
#include "storage/snapshot.h"
#include "storage/storage_env.h"
#include "common/status.h"

namespace kv::storage {

struct RebuildPlan {
  uint32_t tid = 0, pid = 0;
  uint64_t up_to = 0;                   // the DB will hold offsets 1..up_to
  std::optional<SnapshotInfo> snapshot;  // start from it; nullopt: start from an empty DB
  LogPosition start;                    // the snapshot's position, or (0, 0)
  uint64_t wal_first = 0, wal_last = 0;  // the WAL's offsets (0, 0 when it has no record)
  bool replaces_db = false;             // db/ exists and will be moved to quarantine

  uint64_t records_to_replay() const { return up_to - start.offset; }
  std::string Describe() const;  // one line for people
};

// What rebuilding up to offset `up_to` would do: the newest snapshot at or
// before it from which the WAL continues without a gap, else an empty DB when
// the WAL starts at offset 1. Reads only. FailedPrecondition when neither
// exists; InvalidArgument when up_to lies beyond the WAL.
Result<RebuildPlan> PlanRebuild(const ReplicaPaths& replica, uint64_t up_to);

struct RebuildOptions {
  std::string quarantine_root;  // where the old db/ goes
  std::string command;          // recorded in the quarantine manifest
  uint64_t progress_every = 100000;
};

struct RebuildOutcome {
  RebuildPlan plan;
  uint64_t records_replayed = 0;
  std::string quarantine_dir;  // empty when there was no db/ to move
};

// Offline: takes the WAL's LOCK (Busy while the replica is open), verifies the
// snapshot against its manifest, builds the new DB beside the old one in
// db.rebuild/, then moves db/ into quarantine and renames db.rebuild/ to db/.
Result<RebuildOutcome> RebuildDb(const ReplicaPaths& replica, uint64_t up_to, const StorageEnv& env,
                                 const RebuildOptions& options);

// RebuildDb's work without taking the lock, for a Replica that holds it
// through its WAL writer and has closed its DB.
Result<RebuildOutcome> RebuildDbHoldingLock(const ReplicaPaths& replica, const RebuildPlan& plan,
                                            const StorageEnv& env, const RebuildOptions& options);

}  // namespace kv::storage
