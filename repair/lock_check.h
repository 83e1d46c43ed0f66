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
// LOCK of a folder enclosing dir. Only probes: never creates a file.
Status CheckNotInUse(const std::string& dir);

// CheckNotInUse, then dir/LOCK taken for the life of the returned lock, so no
// writer can open the folder while the repair changes it.
Result<FileLock> LockForRepair(const std::string& dir);

}  // namespace kv::repair
