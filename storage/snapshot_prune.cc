#include "storage/snapshot_prune.h"

#include <cerrno>
#include <cstdio>

#include "storage/db_folder.h"
#include "storage/layout.h"
#include "common/file.h"

namespace kv::storage {

std::vector<SnapshotInfo> PlanSnapshotPrune(const std::vector<SnapshotInfo>& snapshots, size_t keep,
                                            const std::set<uint64_t>& pinned) {
  if (keep == 0) keep = 1;
  std::vector<SnapshotInfo> doomed;
  size_t readable_newer = 0;
  for (auto it = snapshots.rbegin(); it != snapshots.rend(); ++it) {
    if (!it->manifest || !it->status.ok()) continue;
    if (readable_newer++ < keep) continue;
    if (pinned.count(it->offset)) continue;
    doomed.push_back(*it);
  }
  return doomed;
}

Status DeleteSnapshotFolder(const std::string& snapshots_dir, const SnapshotInfo& snapshot) {
  const std::string hidden = snapshots_dir + "/.delete-" + SnapshotDirName(snapshot.offset);
  KV_RETURN_IF_ERROR(RemoveLeftover(hidden));
  if (::rename(snapshot.dir.c_str(), hidden.c_str()) != 0) {
    return Status::FromErrno("rename " + snapshot.dir + " to " + hidden, errno);
  }
  KV_RETURN_IF_ERROR(FsyncDir(snapshots_dir));
  return RemoveTree(hidden).status();
}

}  // namespace kv::storage
