// Snapshots, WAL retention, truncation and rebuild of an open replica.
#include <rocksdb/db.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "storage/db_folder.h"
#include "storage/keys.h"
#include "storage/log.h"
#include "storage/replica.h"
#include "storage/retention.h"
#include "storage/snapshot_create.h"
#include "storage/snapshot_prune.h"
#include "common/file.h"
#include "common/quarantine.h"
#include "wal/tail.h"

namespace kv::storage {

Result<SnapshotManifest> Replica::CreateSnapshot() {
  std::lock_guard<std::mutex> s(snapshot_mu_);
  std::shared_lock<std::shared_mutex> l(life_mu_);
  KV_RETURN_IF_ERROR(Usable());
  AppliedMeta at{options_.tid, options_.pid, {}};
  std::string temp;
  {
    std::lock_guard<std::mutex> a(apply_mu_);  // nothing is applied until the checkpoint is taken
    at.position = applied_;
    if (at.position.offset == 0) return Status::FailedPrecondition(paths_.dir + " has applied nothing to snapshot");
    if (PathExists(paths_.Snapshot(at.position.offset))) return ReadSnapshotManifest(paths_.Snapshot(at.position.offset));
    KV_ASSIGN_OR_RETURN(temp, CheckpointToTemp(db_.get(), paths_, at.position.offset));
  }
  return SealSnapshot(temp, paths_, at);
}

Result<std::vector<SnapshotInfo>> Replica::ListSnapshots() const { return storage::ListSnapshots(paths_); }

// Moves every snapshot past offset into quarantine (they hold records the log no longer has); returns where.
static Result<std::vector<std::string>> QuarantineSnapshotsAfter(const ReplicaPaths& paths, uint64_t offset,
                                                                 const std::string& quarantine_root,
                                                                 const std::string& command) {
  std::vector<std::string> moved;
  KV_ASSIGN_OR_RETURN(std::vector<SnapshotInfo> snapshots, storage::ListSnapshots(paths));
  for (const SnapshotInfo& s : snapshots) {
    if (s.offset <= offset) continue;
    KV_ASSIGN_OR_RETURN(Quarantine q, Quarantine::Create(quarantine_root, "truncated-snapshot", command));
    KV_RETURN_IF_ERROR(MoveDbIntoQuarantine(q, s.dir, "snapshot past offset " + std::to_string(offset)));
    moved.push_back(q.dir());
  }
  return moved;
}

// Makes the verified snapshot at src this replica's snapshots/<offset>, unless
// it already is. A snapshot of its own at that offset with other content (or
// unreadable) came from a log that diverged; it goes to quarantine, as the
// log it came from does.
static Status AdoptSnapshot(const std::string& src, const SnapshotManifest& m, const ReplicaPaths& paths,
                            const std::string& quarantine_root, const std::string& command) {
  const std::string target = paths.Snapshot(m.position.offset);
  if (PathExists(target)) {
    Result<SnapshotManifest> mine = ReadSnapshotManifest(target);
    if (mine.ok() && mine->position == m.position && mine->content == m.content) return Status::OK();
    KV_ASSIGN_OR_RETURN(Quarantine q, Quarantine::Create(quarantine_root, "replaced-snapshot", command));
    KV_RETURN_IF_ERROR(MoveDbIntoQuarantine(
        q, target,
        "this replica's snapshot at offset " + std::to_string(m.position.offset) + " differs from the one installed (" +
            (mine.ok() ? "at " + mine->position.ToString() : mine.status().message()) + ")"));
  }
  KV_RETURN_IF_ERROR(CreateDirs(paths.snapshots));
  const std::string temp = paths.snapshots + "/.install-" + SnapshotDirName(m.position.offset);
  KV_RETURN_IF_ERROR(RemoveLeftover(temp));
  KV_RETURN_IF_ERROR(CopyCheckpoint(src, temp));
  KV_RETURN_IF_ERROR(WriteSnapshotManifest(temp, m));
  if (::rename(temp.c_str(), target.c_str()) != 0) return Status::FromErrno("rename " + temp, errno);
  return FsyncDir(paths.snapshots);
}

Status Replica::InstallSnapshot(const std::string& snapshot_dir) {
  std::lock_guard<std::mutex> f(follower_mu_);
  std::unique_lock<std::shared_mutex> l(life_mu_);
  KV_ASSIGN_OR_RETURN(SnapshotManifest m, VerifySnapshot(snapshot_dir));
  if (m.tid != options_.tid || m.pid != options_.pid) {
    return Status::InvalidArgument(snapshot_dir + " is a snapshot of table " + std::to_string(m.tid) +
                                   " partition " + std::to_string(m.pid));
  }
  const std::string command = "install snapshot " + snapshot_dir + " into " + paths_.dir;
  KV_RETURN_IF_ERROR(AdoptSnapshot(snapshot_dir, m, paths_, options_.quarantine_root, command));
  Log().info("{}: installing snapshot at {}", paths_.dir, m.position.ToString());
  CloseFiles();
  Status step = [&]() -> Status {
    // The log continues after the snapshot: the old one, whatever it held, is kept in quarantine.
    KV_RETURN_IF_ERROR(wal::TruncateAfter(paths_.wal, 0, options_.quarantine_root, command).status());
    // Its own snapshots past the installed one came from a log that is gone now.
    KV_RETURN_IF_ERROR(QuarantineSnapshotsAfter(paths_, m.position.offset, options_.quarantine_root, command).status());
    return RebuildDb(paths_, m.position.offset, env_, MaintenanceOptions("install snapshot")).status();
  }();
  return ReopenAfter(step);
}

Result<RetentionResult> Replica::PurgeObsoleteWal(uint64_t follower_low_water_mark, uint32_t keep_extra_segments) {
  std::shared_lock<std::shared_mutex> l(life_mu_);
  KV_RETURN_IF_ERROR(Usable());
  RetentionResult out;
  KV_ASSIGN_OR_RETURN(std::vector<SnapshotInfo> snapshots, storage::ListSnapshots(paths_));
  const std::optional<SnapshotInfo> newest = NewestSnapshot(snapshots);
  if (!newest) return out;  // without a snapshot every record is still the only copy
  KV_ASSIGN_OR_RETURN(std::vector<SegmentSpan> segments, ListSegmentSpans(paths_.wal));
  const RetentionPlan plan =
      PlanWalRetention(segments, std::min(newest->offset, follower_low_water_mark), keep_extra_segments);
  out.keep_from = plan.keep_from;
  for (const std::string& path : plan.obsolete) {
    if (::unlink(path.c_str()) != 0) return Status::FromErrno("delete obsolete WAL segment " + path, errno);
    out.deleted.push_back(path);
  }
  if (!out.deleted.empty()) {
    KV_RETURN_IF_ERROR(FsyncDir(paths_.wal));
    Log().info("{}: deleted {} WAL segments below offset {} (snapshot at {})", paths_.dir, out.deleted.size(),
               plan.keep_from, newest->offset);
  }
  return out;
}

Result<std::vector<std::string>> Replica::PruneSnapshots(size_t keep, const std::set<uint64_t>& pinned) {
  std::lock_guard<std::mutex> s(snapshot_mu_);  // no snapshot is being sealed meanwhile
  std::shared_lock<std::shared_mutex> l(life_mu_);
  KV_RETURN_IF_ERROR(Usable());
  KV_ASSIGN_OR_RETURN(std::vector<SnapshotInfo> snapshots, storage::ListSnapshots(paths_));
  std::vector<std::string> deleted;
  for (const SnapshotInfo& old : PlanSnapshotPrune(snapshots, keep, pinned)) {
    KV_RETURN_IF_ERROR(DeleteSnapshotFolder(paths_.snapshots, old));
    deleted.push_back(old.dir);
  }
  if (!deleted.empty()) Log().info("{}: deleted {} snapshot(s) older than the newest {}", paths_.dir, deleted.size(), keep);
  return deleted;
}

Result<TruncateOutcome> Replica::TruncateAfter(uint64_t offset) {
  std::lock_guard<std::mutex> f(follower_mu_);
  std::unique_lock<std::shared_mutex> l(life_mu_);
  return TruncateAfterLocked(offset);
}

Result<TruncateOutcome> Replica::TruncateAfterLocked(uint64_t offset) {
  if (!db_ || !wal_) return Usable();
  TruncateOutcome out;
  if (offset >= LastLoggedLocked().offset) return out;
  const bool db_past_cut = Applied().offset > offset;
  if (db_past_cut) {
    KV_RETURN_IF_ERROR(PlanRebuild(paths_, offset).status());  // refuse before changing anything
  }
  KV_ASSIGN_OR_RETURN(wal::LogTail tail, wal::FindTail(paths_.wal));
  // A log that starts right after the cut is cut whole (0 keeps nothing).
  const uint64_t keep_through = offset < tail.first_offset ? 0 : offset;
  const std::string command = "truncate after offset " + std::to_string(offset) + " in " + paths_.dir;
  CloseFiles();
  Status step = [&]() -> Status {
    KV_ASSIGN_OR_RETURN(out.wal, wal::TruncateAfter(paths_.wal, keep_through, options_.quarantine_root, command));
    // Snapshots past the cut hold the divergent records too.
    KV_ASSIGN_OR_RETURN(out.moved_snapshots, QuarantineSnapshotsAfter(paths_, offset, options_.quarantine_root, command));
    if (!db_past_cut) return Status::OK();
    KV_ASSIGN_OR_RETURN(out.rebuild, RebuildDb(paths_, offset, env_, MaintenanceOptions("truncate")));
    return Status::OK();
  }();
  if (out.wal.changed) {
    Log().warn("{}: cut offsets {}..{} into {}", paths_.dir, out.wal.first_cut_offset, out.wal.last_cut_offset,
               out.wal.quarantine_dir);
  }
  KV_RETURN_IF_ERROR(ReopenAfter(step));
  return out;
}

Result<RebuildOutcome> Replica::Rebuild(uint64_t up_to) {
  std::lock_guard<std::mutex> f(follower_mu_);
  std::unique_lock<std::shared_mutex> l(life_mu_);
  if (!wal_) return Usable();  // the WAL writer holds the LOCK the rebuild relies on
  KV_ASSIGN_OR_RETURN(RebuildPlan plan, PlanRebuild(paths_, up_to));
  CloseDb();
  auto outcome = RebuildDbHoldingLock(paths_, plan, env_, MaintenanceOptions("rebuild"));
  KV_RETURN_IF_ERROR(ReopenAfter(outcome.status()));
  return outcome;
}

}  // namespace kv::storage
