// AdoptReplica (cluster/proto/kv.proto): `ops recoverdata apply` when the best
// replica of a partition is on a tablet that does not run, on a disk this
// tablet's machine can read. The folder is copied, never moved: the dead
// tablet's data dir stays as it was (invariant 8), and the copy is durable
// (every file fsynced in staging/) before one rename makes it a replica
// folder here. Then it opens as LoadReplica opens a folder put back.
#include "cluster/tablet/log.h"
#include "cluster/tablet/tablet.h"
#include "common/file.h"
#include "repair/lock_check.h"
#include "storage/layout.h"

namespace kv::tablet {

void Tablet::AdoptReplica(const v1::AdoptReplicaRequest& req, v1::AdoptReplicaResponse* resp) {
  const PartitionKey key = KeyOf(req.partition());
  const std::string where = "partition " + key.ToString();
  auto done = [&](Error e) { *resp->mutable_error() = WithLoadedStatus(key, std::move(e), resp->mutable_status()); };
  const std::string& source = req.source_folder();
  if (req.table_name().empty() || source.empty()) {
    return done(MakeError(v1::INVALID_ARGUMENT, "AdoptReplica of " + where + " needs the table's name and a folder"));
  }
  std::lock_guard<std::mutex> control(control_mu_);
  if (Serves(key)) {
    resp->add_done("served already: nothing to do");
    return done(OkError());
  }
  const std::string dir = ReplicaDir(key);
  if (PathExists(dir)) {
    // A copy made by an earlier call that then failed to open (a damaged
    // replica, which RepairReplica fixes next): opened again, not copied again.
    if (!UnservedStatus(key, &*resp->mutable_status())) {
      return done(MakeError(v1::FAILED_PRECONDITION, where + ": " + dir + " is here already (see gettablestatus)"));
    }
    resp->add_done("copied before; opening it again");
    return done(LoadUnderControl(key, req.table_name()));
  }
  if (!IsDirectory(source)) {
    return done(MakeError(v1::NOT_FOUND, where + ": " + source + " is not a folder this tablet (on " + endpoint() +
                                             ") can read: copy the replica folder here yourself, then loadtable"));
  }
  const storage::ReplicaPaths from(source);
  if (Status busy = repair::CheckNotInUse(from.wal); !busy.ok()) {
    return done(MakeError(v1::FAILED_PRECONDITION, where + ": " + busy.message()));
  }
  if (Error holds = CheckFolderHolds(source, key, req.table_name()); !IsOk(holds)) return done(std::move(holds));
  const std::string staged = data_dir_.staging_dir() + "/" + key.ToString() + ".adopt";
  if (Status cleared = RemoveTree(staged).status(); !cleared.ok()) return done(FromStatus(cleared));
  Status copied = CreateDirs(data_dir_.staging_dir());
  if (copied.ok()) copied = CopyTreeSynced(source, staged);
  if (copied.ok() && std::rename(staged.c_str(), dir.c_str()) != 0) copied = Status::FromErrno("rename " + staged, errno);
  if (copied.ok()) copied = FsyncDir(data_dir_.partitions_dir());
  if (!copied.ok()) {
    (void)RemoveTree(staged);
    return done(MakeError(v1::INTERNAL, where + ": copying " + source + " failed: " + copied.message()));
  }
  resp->add_done("copied " + source + " to " + dir + " (the original is left as it was)");
  Log().warn("{}: adopted from {}, loading it", where, source);
  done(LoadUnderControl(key, req.table_name()));
}

}  // namespace kv::tablet
