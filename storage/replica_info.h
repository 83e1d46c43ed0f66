// What a replica folder holds, read without changing a byte (invariant 8) and
// without taking any lock, so that it works beside a running tablet and on a
// stopped one alike: the offline view `inspect partition|tablet` prints and
// `ops recoverdata` collects. Cheap: the WAL's end comes from wal::FindTail,
// the applied position from a read-only RocksDB open; no full scan.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/descriptor.h"
#include "storage/log_position.h"
#include "storage/snapshot.h"
#include "common/status.h"
#include "wal/tail.h"

namespace kv::storage {

struct ReplicaInfo {
  std::string dir;

  std::optional<Descriptor> descriptor;  // replica.json
  Status descriptor_status;

  std::optional<wal::LogTail> wal;  // the WAL's end
  Status wal_status;

  bool db_present = false;
  std::optional<LogPosition> applied;  // the DB's applied (term, offset); of a running replica, as of its last flush
  uint32_t db_tid = 0, db_pid = 0;     // the DB's identity, from its meta key
  Status db_status;

  std::vector<SnapshotInfo> snapshots;
  Status snapshots_status;

  // The replica's last (term, offset), what invariant 6 compares: the WAL's
  // last record; when the WAL holds none, the applied position; else the newest snapshot's.
  LogPosition last;
  // Inconsistencies between the parts, one line each (empty: none seen).
  std::vector<std::string> problems;
};

// NotFound when replica_dir is not a folder; every other failure is recorded
// in the part it concerns, and reading goes on.
Result<ReplicaInfo> ReadReplicaInfo(const ReplicaPaths& replica);

}  // namespace kv::storage
