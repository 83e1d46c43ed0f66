// Snapshot transfer, both ends of it in a partition: the leader's snapshot
// for a follower too far behind for its WAL, and the follower's install of one
// (docs/cluster.md, "WAL retention and snapshot transfer").
#include <limits>

#include "storage/retention.h"
#include "cluster/tablet/log.h"
#include "cluster/tablet/partition.h"

namespace kv::tablet {

Result<SnapshotToSend> Partition::SnapshotForFollower() {
  std::lock_guard<std::mutex> s(snapshots_mu_);
  KV_ASSIGN_OR_RETURN(std::vector<storage::SegmentSpan> segments, storage::ListSegmentSpans(replica_->paths().wal));
  const uint64_t wal_first = segments.empty() ? std::numeric_limits<uint64_t>::max() : segments.front().first_offset;
  KV_ASSIGN_OR_RETURN(std::vector<storage::SnapshotInfo> snapshots, replica_->ListSnapshots());
  const std::optional<storage::SnapshotInfo> newest = storage::NewestSnapshot(snapshots, replica_->Applied().offset);
  SnapshotToSend out;
  // The follower goes on from the snapshot's offset + 1, which the WAL must still hold.
  if (newest && newest->offset + 1 >= wal_first) {
    out.dir = newest->dir;
    out.manifest = *newest->manifest;
  } else {
    KV_ASSIGN_OR_RETURN(out.manifest, replica_->CreateSnapshot());
    out.dir = replica_->paths().Snapshot(out.manifest.position.offset);
    Log().info("partition {}: made a snapshot at {} to send", key_.ToString(), out.manifest.position.ToString());
  }
  const uint64_t offset = out.manifest.position.offset;
  pinned_snapshots_.insert(offset);
  out.pin = std::shared_ptr<void>(nullptr, [this, offset](void*) {
    std::lock_guard<std::mutex> l(snapshots_mu_);
    pinned_snapshots_.erase(pinned_snapshots_.find(offset));
  });
  return out;
}

void Partition::InstallSnapshot(const v1::SnapshotHeader& header, const SnapshotChunkSource& next,
                                const std::string& staging_root, v1::InstallSnapshotResponse* resp) {
  Error e = ReceiveAndInstall(header, next, staging_root);
  std::shared_lock<std::shared_mutex> open(open_mu_);
  if (!closed_) {
    const storage::LogPosition last = replica_->LastLogged();
    resp->set_last_offset(last.offset);
    resp->set_last_term(last.term);
  }
  *resp->mutable_error() = std::move(e);
}

Error Partition::ReceiveAndInstall(const v1::SnapshotHeader& header, const SnapshotChunkSource& next,
                                   const std::string& staging_root) {
  Status checked = CheckSnapshotHeader(header, key_);
  if (!checked.ok()) return FromStatus(checked);
  const storage::LogPosition at{header.snapshot_term(), header.snapshot_offset()};
  {
    std::shared_lock<std::shared_mutex> open(open_mu_);
    if (closed_) return NotHosted(key_.ToString());
    std::lock_guard<std::mutex> role(role_mu_);
    Error e = AcceptLeader(header.term(), header.leader());  // invariant 3, as for an Append
    if (!IsOk(e)) return e;
    auto prev = replica_->CheckPrev(at);
    if (prev.ok() && prev->verdict == storage::PrevCheck::Verdict::kMatch) {
      Log().info("partition {}: already holds {}; the snapshot is not needed", key_.ToString(), at.ToString());
      return OkError();
    }
    std::lock_guard<std::mutex> l(mu_);
    if (receiving_snapshot_) {
      return MakeError(v1::UNAVAILABLE, "partition " + key_.ToString() + " is receiving another snapshot");
    }
    receiving_snapshot_ = true;
  }
  Log().info("partition {}: receiving a snapshot at {} from {} (term {}), {} file(s)", key_.ToString(),
             at.ToString(), header.leader(), header.term(), header.files_size());
  Error e = [&]() -> Error {
    auto staging = StagingFolder::Create(staging_root, key_.ToString());
    if (!staging.ok()) return FromStatus(staging.status());
    auto received = ReceiveSnapshot(header, next, (*staging)->path());
    if (!received.ok()) {
      Log().warn("partition {}: the snapshot at {} from {} was not installed: {}", key_.ToString(), at.ToString(),
                 header.leader(), received.status().message());
      return received.status().IsAborted() ? MakeError(v1::UNAVAILABLE, received.status().message())
                                           : FromStatus(received.status());
    }
    return InstallReceived(header, (*staging)->path());
  }();
  std::lock_guard<std::mutex> l(mu_);
  receiving_snapshot_ = false;
  return e;
}

Error Partition::InstallReceived(const v1::SnapshotHeader& header, const std::string& dir) {
  std::shared_lock<std::shared_mutex> open(open_mu_);
  if (closed_) return NotHosted(key_.ToString());
  std::lock_guard<std::mutex> role(role_mu_);
  // The term may have moved on while the files came (a failover): only the
  // leader of the replica's current term may replace its state.
  const uint64_t term = replica_->descriptor().term;
  if (term > header.term()) return StaleTerm(header.term(), term, key_.ToString());
  {
    std::lock_guard<std::mutex> l(mu_);
    if (acting_ != Acting::kFollower || term != header.term()) {
      return MakeError(v1::FAILED_PRECONDITION, "partition " + key_.ToString() + " no longer follows " +
                                                    header.leader() + " at term " + std::to_string(header.term()));
    }
  }
  Status s = replica_->InstallSnapshot(dir);
  if (!s.ok()) return FromStatus(s);
  Log().info("partition {}: installed the snapshot at {} from {}; its log goes on from there", key_.ToString(),
             storage::LogPosition{header.snapshot_term(), header.snapshot_offset()}.ToString(), header.leader());
  return OkError();
}

}  // namespace kv::tablet
