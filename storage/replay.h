// Replaying the WAL into the DB from its applied offset (invariant 7): what
// opening a replica and rebuilding its DB do. Internal to kv_storage.
#pragma once

#include <rocksdb/db.h>

#include <cstdint>
#include <string>

#include "storage/keys.h"
#include "common/status.h"

namespace kv::storage {

struct ReplayOptions {
  uint64_t to_offset = 0;            // last offset to apply; 0 = the WAL's end
  uint64_t progress_every = 100000;  // log progress every this many records (0 = never)
};

struct ReplayStats {
  uint64_t records = 0;
  LogPosition last;  // the applied position afterwards
};

// Applies the WAL's records after start.position to db, many records per
// WriteBatch, each batch carrying its applied position. Refuses
// (FailedPrecondition) when the WAL cannot continue the DB: it lacks the next
// offset, or its record at the applied offset has another term (the DB and the
// WAL tell different histories). A torn tail ends the replay; other damage is
// Corruption.
Result<ReplayStats> ReplayWal(const std::string& wal_dir, rocksdb::DB* db, const AppliedMeta& start,
                              const ReplayOptions& options);

}  // namespace kv::storage
