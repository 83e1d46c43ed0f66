// Is anyone running on these files? Offline repair must not touch a folder while
// a server or a WAL writer uses it (invariant 8). The WAL writer holds the LOCK of
// its own folder and a tablet the LOCK of its data dir, which encloses the WALs
// (DATA_DIR/partitions/<tid>_<pid>/wal), so a folder is in use when its own LOCK
// or the LOCK of any folder above it is held.
#pragma once

#include <string>

#include "common/file.h"
#include "common/status.h"

namespace kv::repair {

// Busy, naming the held LOCK file, when a running process holds dir/LOCK or the
// LOCK of a folder enclosing dir, except one the calling thread declared its
// own (EnclosingLockOwned). Only probes: never creates a file.
Status CheckNotInUse(const std::string& dir);

// While alive, the repairs this thread runs do not count the LOCK of
// `folder` (one enclosing the folders they repair) as in use: the caller
// holds it itself. A tablet repairing, in place, a replica of its own data
// dir that it has not opened (RepairReplica); the folder's own LOCK and any
// other still count.
class EnclosingLockOwned {
 public:
  explicit EnclosingLockOwned(const std::string& folder);
  ~EnclosingLockOwned();
  EnclosingLockOwned(const EnclosingLockOwned&) = delete;
  EnclosingLockOwned& operator=(const EnclosingLockOwned&) = delete;

 private:
  std::string lock_;
};

// CheckNotInUse, then dir/LOCK taken for the life of the returned lock, so no
// writer can open the folder while the repair changes it.
Result<FileLock> LockForRepair(const std::string& dir);

}  // namespace kv::repair
