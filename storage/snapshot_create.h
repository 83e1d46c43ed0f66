// Making a snapshot, in two steps so that the replica holds off applies only
// for the first. Internal to kv_storage.
#pragma once

#include <rocksdb/db.h>

#include <string>

#include "storage/keys.h"
#include "storage/layout.h"
#include "storage/snapshot.h"
#include "common/status.h"

namespace kv::storage {

// Step 1, while nothing is applied: a RocksDB checkpoint (which flushes the
// memtable first, the DB having no WAL) in a temporary folder under snapshots/.
// Returns that folder.
Result<std::string> CheckpointToTemp(rocksdb::DB* db, const ReplicaPaths& paths, uint64_t offset);

// Step 2: reads the checkpoint back, checks it holds `expected`, writes its
// manifest (fsynced) and renames the folder to snapshots/<offset>.
Result<SnapshotManifest> SealSnapshot(const std::string& temp_dir, const ReplicaPaths& paths,
                                      const AppliedMeta& expected);

}  // namespace kv::storage
