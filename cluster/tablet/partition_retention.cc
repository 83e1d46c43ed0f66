// WAL retention of one replica (retention_policy.h).
#include <algorithm>
#include <set>

#include "cluster/tablet/log.h"
#include "cluster/tablet/partition.h"

namespace kv::tablet {

void Partition::RunRetention() {
  std::shared_lock<std::shared_mutex> open(open_mu_);
  if (closed_) return;
  const Status s = Retain();
  const std::string problem = s.ok() ? "" : s.message();
  if (!problem.empty() && problem != retention_problem_) {
    Log().warn("partition {}: WAL retention: {}", key_.ToString(), problem);  // once, not every round
  }
  retention_problem_ = problem;
}

Status Partition::Retain() {
  const RetentionOptions& o = shared_.options.retention;
  std::lock_guard<std::mutex> snapshots(snapshots_mu_);
  const uint64_t applied = replica_->Applied().offset;
  KV_ASSIGN_OR_RETURN(std::vector<storage::SnapshotInfo> list, replica_->ListSnapshots());
  const std::optional<storage::SnapshotInfo> newest = storage::NewestSnapshot(list);
  const uint64_t newest_offset = newest ? newest->offset : 0;
  if (applied > newest_offset && applied - newest_offset >= o.snapshot_every_records) {
    KV_ASSIGN_OR_RETURN(storage::SnapshotManifest m, replica_->CreateSnapshot());
    Log().info("partition {}: snapshot at {}, {} records", key_.ToString(), m.position.ToString(),
               m.content.record_count);
  }
  // A follower keeps what it applied; a leader also what its followers still need.
  uint64_t keep_from = applied;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (acting_ == Acting::kLeader) {
      keep_from = FollowersLowWaterMark(followers_, progress_, lead_since_, std::chrono::steady_clock::now(),
                                        o.follower_grace);
    }
  }
  // A follower being sent a snapshot goes on from its offset + 1.
  if (!pinned_snapshots_.empty()) keep_from = std::min(keep_from, *pinned_snapshots_.begin() + 1);
  // PurgeObsoleteWal never goes past the newest snapshot, whatever keep_from says.
  KV_RETURN_IF_ERROR(replica_->PurgeObsoleteWal(keep_from, o.wal_keep_extra_segments).status());
  const std::set<uint64_t> pinned(pinned_snapshots_.begin(), pinned_snapshots_.end());
  return replica_->PruneSnapshots(o.snapshots_to_keep, pinned).status();
}

}  // namespace kv::tablet
