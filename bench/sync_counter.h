// How many fsync/fdatasync calls this process has made.
//
// The WAL writer does not say how many groups it committed; counting its syncs
// does (at wal_level 2 with fsync_period_ms 0 every group ends in one), so the
// benchmark can show records per sync without a hook in wal/.
#pragma once

#include <cstdint>

namespace kv::bench {

uint64_t SyncCalls();

}  // namespace kv::bench
