// Bounding a replica's snapshots: once a newer snapshot exists, the older ones
// serve only a rebuild to a point before it, so all but the newest few go.
// Like WAL retention this is normal operation (the data lives on in the newer
// snapshot and the WAL), so they are deleted, not quarantined.
#pragma once

#include <cstddef>
#include <cstdint>
#include <set>
#include <vector>

#include "storage/snapshot.h"

namespace kv::storage {

// snapshots: ListSnapshots' answer, oldest first. Returns the ones to delete:
// readable snapshots older than the newest `keep` readable ones (keep >= 1, so
// the newest readable snapshot, which WAL retention relies on, always stays),
// except those in `pinned` (being sent to a follower). An unreadable snapshot
// is never chosen: it is left for an operator to look at.
std::vector<SnapshotInfo> PlanSnapshotPrune(const std::vector<SnapshotInfo>& snapshots, size_t keep,
                                            const std::set<uint64_t>& pinned);

// Deletes one snapshot folder so that a crash midway never leaves a partial
// snapshot that still looks whole: it is first renamed to a hidden name (which
// ListSnapshots skips), then removed. Leftovers of that name are removed by the
// next call.
Status DeleteSnapshotFolder(const std::string& snapshots_dir, const SnapshotInfo& snapshot);

}  // namespace kv::storage
