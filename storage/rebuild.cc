#include "storage/rebuild.h"

#include <cerrno>
#include <cstdio>

#include "storage/db.h"
#include "storage/db_folder.h"
#include "storage/descriptor.h"
#include "storage/layout.h"
#include "storage/log.h"
#include "storage/replay.h"
#include "common/file.h"
#include "common/quarantine.h"
#include "wal/tail.h"

namespace kv::storage {
namespace {

// Builds the new DB in paths.rebuild_tmp; returns the records replayed.
Result<uint64_t> BuildBeside(const ReplicaPaths& paths, const RebuildPlan& plan, const StorageEnv& env,
                             uint64_t progress_every) {
  KV_RETURN_IF_ERROR(RemoveLeftover(paths.rebuild_tmp));
  if (plan.snapshot) {
    KV_RETURN_IF_ERROR(VerifySnapshot(plan.snapshot->dir).status());
    KV_RETURN_IF_ERROR(CopyCheckpoint(plan.snapshot->dir, paths.rebuild_tmp));
  }
  KV_ASSIGN_OR_RETURN(auto db, OpenDb(paths.rebuild_tmp, env));
  KV_ASSIGN_OR_RETURN(LogPosition applied, ReadAppliedOf(db.get(), plan.tid, plan.pid, paths.rebuild_tmp));
  if (applied != plan.start) {
    return Status::Corruption(paths.rebuild_tmp + " starts at " + applied.ToString() + ", not at " +
                              plan.start.ToString());
  }
  ReplayOptions ro;
  ro.to_offset = plan.up_to;
  ro.progress_every = progress_every;
  KV_ASSIGN_OR_RETURN(ReplayStats stats, ReplayWal(paths.wal, db.get(), {plan.tid, plan.pid, plan.start}, ro));
  KV_RETURN_IF_ERROR(FromRocks(db->Flush(rocksdb::FlushOptions()), "flush " + paths.rebuild_tmp));
  KV_RETURN_IF_ERROR(FromRocks(db->Close(), "close " + paths.rebuild_tmp));
  return stats.records;
}

}  // namespace

std::string RebuildPlan::Describe() const {
  std::string s = "rebuild the DB of table " + std::to_string(tid) + " partition " + std::to_string(pid) +
                  " up to offset " + std::to_string(up_to) + " from ";
  s += snapshot ? "snapshot " + snapshot->dir + " at " + start.ToString() : std::string("an empty DB");
  s += ", replaying " + std::to_string(records_to_replay()) + " WAL records";
  if (replaces_db) s += "; the current db/ goes to quarantine";
  return s;
}

Result<RebuildPlan> PlanRebuild(const ReplicaPaths& paths, uint64_t up_to) {
  KV_ASSIGN_OR_RETURN(Descriptor desc, ReadDescriptor(paths.descriptor));
  KV_ASSIGN_OR_RETURN(wal::LogTail tail, wal::FindTail(paths.wal));
  KV_ASSIGN_OR_RETURN(std::vector<SnapshotInfo> snapshots, ListSnapshots(paths));
  RebuildPlan plan;
  plan.tid = desc.tid;
  plan.pid = desc.pid;
  plan.up_to = up_to;
  plan.replaces_db = PathExists(paths.db);
  if (!tail.empty) {
    plan.wal_first = tail.first_offset;
    plan.wal_last = tail.last_offset;
  }
  for (auto it = snapshots.rbegin(); it != snapshots.rend(); ++it) {
    if (!it->manifest || it->offset > up_to || it->manifest->tid != desc.tid || it->manifest->pid != desc.pid) continue;
    const bool wal_continues = !tail.empty && plan.wal_first <= it->offset + 1 && up_to <= plan.wal_last;
    if (it->offset == up_to || wal_continues) {
      plan.snapshot = *it;
      plan.start = it->manifest->position;
      return plan;
    }
  }
  if (up_to == 0) return plan;
  if (tail.empty || up_to > plan.wal_last) {
    return Status::InvalidArgument("cannot rebuild " + paths.dir + " up to offset " + std::to_string(up_to) +
                                   ": the WAL ends at offset " + std::to_string(plan.wal_last) +
                                   " and no snapshot is at that offset");
  }
  if (plan.wal_first != 1) {
    return Status::FailedPrecondition("cannot rebuild " + paths.dir + " up to offset " + std::to_string(up_to) +
                                      ": the WAL starts at offset " + std::to_string(plan.wal_first) +
                                      " and no snapshot at or before " + std::to_string(up_to) +
                                      " reaches back to it");
  }
  return plan;
}

Result<RebuildOutcome> RebuildDbHoldingLock(const ReplicaPaths& paths, const RebuildPlan& plan,
                                            const StorageEnv& env, const RebuildOptions& options) {
  Log().info("{}", plan.Describe());
  RebuildOutcome out;
  out.plan = plan;
  KV_ASSIGN_OR_RETURN(out.records_replayed, BuildBeside(paths, plan, env, options.progress_every));
  if (PathExists(paths.db)) {
    KV_ASSIGN_OR_RETURN(Quarantine q, Quarantine::Create(options.quarantine_root, "replaced-db", options.command));
    KV_RETURN_IF_ERROR(MoveDbIntoQuarantine(
        q, paths.db, "DB replaced by one rebuilt up to offset " + std::to_string(plan.up_to)));
    out.quarantine_dir = q.dir();
  }
  if (::rename(paths.rebuild_tmp.c_str(), paths.db.c_str()) != 0) {
    return Status::FromErrno("rename " + paths.rebuild_tmp + " to " + paths.db, errno);
  }
  KV_RETURN_IF_ERROR(FsyncDir(paths.dir));
  Log().info("{}: DB rebuilt up to offset {} ({} records replayed)", paths.dir, plan.up_to, out.records_replayed);
  return out;
}

Result<RebuildOutcome> RebuildDb(const ReplicaPaths& paths, uint64_t up_to, const StorageEnv& env,
                                 const RebuildOptions& options) {
  KV_ASSIGN_OR_RETURN(FileLock lock, FileLock::Acquire(paths.wal_lock));
  KV_ASSIGN_OR_RETURN(RebuildPlan plan, PlanRebuild(paths, up_to));
  return RebuildDbHoldingLock(paths, plan, env, options);
}

}  // namespace kv::storage
