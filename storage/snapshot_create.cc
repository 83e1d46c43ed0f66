#include "storage/snapshot_create.h"

#include <rocksdb/utilities/checkpoint.h>

#include <cerrno>
#include <cstdio>
#include <memory>

#include "storage/data_scan.h"
#include "storage/db.h"
#include "storage/db_folder.h"
#include "common/file.h"

namespace kv::storage {

Result<std::string> CheckpointToTemp(rocksdb::DB* db, const ReplicaPaths& paths, uint64_t offset) {
  KV_RETURN_IF_ERROR(CreateDirs(paths.snapshots));
  const std::string temp = paths.snapshots + "/.tmp-" + SnapshotDirName(offset);
  KV_RETURN_IF_ERROR(RemoveLeftover(temp));
  KV_RETURN_IF_ERROR(RemoveLeftover(temp + ".tmp"));  // RocksDB's own temporary name for it
  rocksdb::Checkpoint* raw = nullptr;
  KV_RETURN_IF_ERROR(FromRocks(rocksdb::Checkpoint::Create(db, &raw), "checkpoint " + paths.db));
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  // log_size_for_flush 0: always flush, so the checkpoint holds every applied batch.
  KV_RETURN_IF_ERROR(FromRocks(checkpoint->CreateCheckpoint(temp, /*log_size_for_flush=*/0), "checkpoint to " + temp));
  return temp;
}

Result<SnapshotManifest> SealSnapshot(const std::string& temp_dir, const ReplicaPaths& paths,
                                      const AppliedMeta& expected) {
  SnapshotManifest m;
  m.tid = expected.tid;
  m.pid = expected.pid;
  m.created = UtcTimestamp();
  {
    KV_ASSIGN_OR_RETURN(auto db, OpenDbReadOnly(temp_dir));
    KV_ASSIGN_OR_RETURN(m.position, ReadAppliedOf(db.get(), expected.tid, expected.pid, temp_dir));
    if (m.position != expected.position) {
      return Status::Aborted("checkpoint " + temp_dir + " holds applied " + m.position.ToString() + ", not " +
                             expected.position.ToString() + " (a batch was applied during the checkpoint)");
    }
    KV_ASSIGN_OR_RETURN(m.content, ChecksumData(db.get()));
  }
  KV_RETURN_IF_ERROR(WriteSnapshotManifest(temp_dir, m));
  const std::string final_dir = paths.Snapshot(m.position.offset);
  if (::rename(temp_dir.c_str(), final_dir.c_str()) != 0) {
    return Status::FromErrno("rename " + temp_dir + " to " + final_dir, errno);
  }
  KV_RETURN_IF_ERROR(FsyncDir(paths.snapshots));
  return m;
}

}  // namespace kv::storage
