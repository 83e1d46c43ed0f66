#include "storage/replica_info.h"

#include "storage/db.h"
#include "storage/keys.h"
#include "storage/layout.h"
#include "common/file.h"

namespace kv::storage {
namespace {

void ReadDb(const ReplicaPaths& paths, ReplicaInfo* info) {
  info->db_present = IsDirectory(paths.db);
  if (!info->db_present) return;
  auto db = OpenDbReadOnly(paths.db);
  if (!db.ok()) {
    info->db_status = db.status();
    return;
  }
  auto meta = ReadApplied(db->get());
  if (!meta.ok()) {
    info->db_status = meta.status();
    return;
  }
  info->applied = meta->has_value() ? (*meta)->position : LogPosition{};
  if (meta->has_value()) {
    info->db_tid = (*meta)->tid;
    info->db_pid = (*meta)->pid;
  }
}

std::string Identity(uint32_t tid, uint32_t pid) { return ReplicaDirName(tid, pid); }

// Cross-checks the parts that were readable.
void FindProblems(ReplicaInfo* info) {
  auto problem = [&](std::string line) { info->problems.push_back(std::move(line)); };
  if (!info->descriptor_status.ok()) problem("replica.json: " + info->descriptor_status.message());
  if (!info->wal_status.ok()) problem("WAL: " + info->wal_status.message());
  if (!info->db_status.ok()) problem("DB: " + info->db_status.message());
  if (!info->snapshots_status.ok()) problem("snapshots: " + info->snapshots_status.message());
  for (const SnapshotInfo& s : info->snapshots) {
    if (!s.status.ok()) problem("snapshot: " + s.status.message());
  }
  const wal::LogTail* tail = info->wal ? &*info->wal : nullptr;
  const bool wal_has_records = tail != nullptr && !tail->empty;
  if (tail != nullptr && tail->torn_bytes > 0) {
    problem("the WAL ends in a torn tail of " + std::to_string(tail->torn_bytes) +
            " bytes (cut into quarantine when the replica next opens)");
  }
  if (tail != nullptr && !tail->unfinished_segment.empty()) {
    problem("the WAL ends in " + tail->unfinished_segment +
            ", a segment whose header was never finished (set aside into quarantine when the replica next opens)");
  }
  if (info->descriptor) {
    const std::string want = Identity(info->descriptor->tid, info->descriptor->pid);
    if (wal_has_records && Identity(tail->tid, tail->pid) != want) {
      problem("the WAL belongs to " + Identity(tail->tid, tail->pid) + ", replica.json says " + want);
    }
    if (info->applied && info->applied->offset > 0 && Identity(info->db_tid, info->db_pid) != want) {
      problem("the DB belongs to " + Identity(info->db_tid, info->db_pid) + ", replica.json says " + want);
    }
  }
  const uint64_t applied = info->applied ? info->applied->offset : 0;
  if (wal_has_records && applied > tail->last_offset) {
    problem("the DB applied offset " + std::to_string(applied) + " but the WAL ends at " +
            std::to_string(tail->last_offset) + " (rebuild the DB)");
  }
  if (wal_has_records && tail->first_offset > applied + 1) {
    problem("the WAL starts at offset " + std::to_string(tail->first_offset) + " but the DB applied only " +
            std::to_string(applied) + " (restore from a snapshot)");
  }
}

}  // namespace

Result<ReplicaInfo> ReadReplicaInfo(const ReplicaPaths& paths) {
  if (!IsDirectory(paths.dir)) return Status::NotFound(paths.dir + ": no such replica folder");
  ReplicaInfo info;
  info.dir = paths.dir;

  auto desc = ReadDescriptor(paths.descriptor);
  if (desc.ok()) {
    info.descriptor = *desc;
  } else {
    info.descriptor_status = desc.status();
  }
  auto tail = wal::FindTail(paths.wal);
  if (tail.ok()) {
    info.wal = *tail;
  } else {
    info.wal_status = tail.status();
  }
  ReadDb(paths, &info);
  auto snapshots = ListSnapshots(paths);
  if (snapshots.ok()) {
    info.snapshots = *snapshots;
  } else {
    info.snapshots_status = snapshots.status();
  }

  if (info.wal && !info.wal->empty) {
    info.last = {info.wal->last_term, info.wal->last_offset};
  } else if (info.applied) {
    info.last = *info.applied;
  } else if (auto newest = NewestSnapshot(info.snapshots)) {
    info.last = newest->manifest->position;
  }
  FindProblems(&info);
  return info;
}

}  // namespace kv::storage
