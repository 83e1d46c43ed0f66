// Sends a leader's snapshot to one follower (InstallSnapshot in kv.proto, the
// leader's side), for a replicator whose follower needs records the leader's
// WAL no longer holds. It runs on a thread of its own, so the FollowerStream
// it belongs to goes on replicating the other partitions meanwhile; the
// replicator looks at the outcome once it is Done.
#pragma once

#include <functional>
#include <mutex>
#include <thread>

#include "cluster/proto/kv.grpc.pb.h"
#include "cluster/tablet/replication_source.h"
#include "cluster/tablet/replicator.h"
#include "common/status.h"

namespace kv::tablet {

struct SnapshotOutcome {
  Status local;         // a failure on this side (choosing, making or reading the snapshot)
  grpc::Status rpc;     // the call's own status
  v1::InstallSnapshotResponse resp;  // the follower's answer, when rpc is OK
  storage::LogPosition position;     // of the snapshot sent
  uint64_t bytes = 0;
};

class SnapshotSender {
 public:
  // Starts at once; calls done() from its thread when the outcome is ready.
  SnapshotSender(const ReplicatorTarget& target, ReplicationSource& source, v1::Tablet::Stub& stub,
                 const ReplicationOptions& options, std::function<void()> done);
  ~SnapshotSender();  // cancels a transfer in progress and waits for the thread
  SnapshotSender(const SnapshotSender&) = delete;
  SnapshotSender& operator=(const SnapshotSender&) = delete;

  bool Done() const;
  SnapshotOutcome outcome() const;  // once Done

 private:
  SnapshotOutcome Send();
  // Streams the snapshot's files after the header; false when the stream broke or was cancelled.
  Status StreamFiles(const SnapshotToSend& snapshot, const v1::SnapshotHeader& header,
                     grpc::ClientWriter<v1::SnapshotChunk>& writer, uint64_t* bytes);
  bool Cancelled() const;

  const ReplicatorTarget target_;
  ReplicationSource& source_;
  v1::Tablet::Stub& stub_;
  const ReplicationOptions options_;

  mutable std::mutex mu_;
  bool done_ = false;
  bool cancelled_ = false;
  grpc::ClientContext* in_flight_ = nullptr;
  SnapshotOutcome outcome_;
  std::thread thread_;
};

// The first chunk of a transfer: who sends what (kv.proto SnapshotHeader).
// Reads the snapshot's folder for its files and manifest.
Result<v1::SnapshotHeader> MakeSnapshotHeader(const ReplicatorTarget& target, const SnapshotToSend& snapshot);

}  // namespace kv::tablet
