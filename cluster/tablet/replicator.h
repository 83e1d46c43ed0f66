// Streams a leader's log to one follower (docs/cluster.md, "Writes and
// replication"), driven by the FollowerStream to the follower's tablet, which
// sends the Appends of every partition it leads there together.
//
// It sends Append(term, prev_term, prev_offset, records) with up to a batch of
// the records after the follower's next offset: from the tail buffer, or
// (for a follower further behind) from the WAL, read ahead in larger runs. It
// starts optimistic (next = the leader's last offset + 1) and backs up on
// LOG_MISMATCH with the follower's hint, a whole term at a time (Raft's fast
// backup). It wakes as soon as the leader's log grows; a follower that does
// not answer is retried with exponential backoff; a follower idle for a while
// gets an empty Append, which tells it who leads and confirms its match offset.
// A follower that needs records the leader's WAL no longer holds is sent a
// snapshot (snapshot_sender.h, on a thread of its own), and replication goes
// on after the snapshot's offset.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cluster/proto/kv.grpc.pb.h"
#include "cluster/tablet/partition_key.h"
#include "cluster/tablet/replication_source.h"
#include "cluster/tablet/tail_buffer.h"
#include "common/status.h"
#include "wal/record.h"

namespace kv::tablet {

struct ReplicationOptions {
  BatchLimits batch;                              // one Append
  BatchLimits wal_read{8192, 8 << 20};            // one read of the WAL, then sent batch by batch
  std::chrono::milliseconds rpc_timeout{2000};
  std::chrono::milliseconds idle_probe{500};
  std::chrono::milliseconds min_backoff{50};
  std::chrono::milliseconds max_backoff{1000};
  // Snapshot transfer (snapshot_sender.h): one whole transfer's deadline, the
  // pause after a failed one, and the data in one chunk.
  std::chrono::milliseconds snapshot_timeout{10 * 60 * 1000};
  std::chrono::milliseconds snapshot_retry{5000};
  size_t snapshot_chunk_bytes = 1 << 20;
};

struct ReplicatorTarget {
  PartitionKey partition;
  uint64_t term = 0;
  uint64_t generation = 0;
  std::string leader;    // this tablet's endpoint, sent so followers can point clients at it
  std::string follower;  // endpoint
  uint64_t next_offset = 1;
};

class FollowerStream;
class SnapshotSender;
struct SnapshotOutcome;

class Replicator {
 public:
  // Joins the stream to the follower's tablet, which drives it from then on.
  Replicator(ReplicatorTarget target, ReplicationSource& source, FollowerStream& stream,
             const ReplicationOptions& options);
  ~Replicator();  // Stop()
  Replicator(const Replicator&) = delete;
  Replicator& operator=(const Replicator&) = delete;

  // Leaves the stream (the round in flight, if any, is cancelled). Call it
  // after the partition ended the replicator's generation.
  void Stop();
  // The partition's log grew.
  void Wake();

  // Called by the stream's thread only. The Append to send now, or nothing;
  // *due is lowered to when this replicator next wants a look (an idle
  // probe, the end of a backoff).
  std::optional<v1::AppendRequest> Prepare(std::chrono::steady_clock::time_point now,
                                           std::chrono::steady_clock::time_point* due);
  // The answer to the Append from Prepare (rpc: the call's own status), sent
  // at `sent`; *due is lowered as by Prepare.
  void Handle(const grpc::Status& rpc, const v1::AppendResponse& resp, std::chrono::steady_clock::time_point sent,
              std::chrono::steady_clock::time_point* due);
  // The Append from Prepare was not sent, or its answer was cancelled by the stream: send again.
  void Abandon() { sending_.clear(); }

 private:
  using SteadyTime = std::chrono::steady_clock;

  // The next records to send (none when the follower has everything applied).
  Status NextBatch(std::vector<wal::Record>* batch);
  // How long to back off after this answer (0: go on at once).
  std::chrono::milliseconds Answered(const grpc::Status& rpc, const v1::AppendResponse& resp);
  void Advance(const std::vector<wal::Record>& sent);
  Status BackUp(const v1::AppendResponse& mismatch);
  std::chrono::milliseconds NextBackoff();
  void Report();
  // While the follower needs a snapshot: starts a transfer, or takes the
  // outcome of the one that ended. True once the follower holds the snapshot.
  bool SnapshotStep(std::chrono::steady_clock::time_point now);
  bool Installed(const SnapshotOutcome& out, std::chrono::steady_clock::time_point now);
  // Logs a problem when it differs from the last one logged, so a follower
  // that stays down gives one line, not one per retry.
  void NoteProblem(const std::string& problem);

  const ReplicatorTarget target_;
  ReplicationSource& source_;
  const ReplicationOptions options_;
  FollowerStream& stream_;

  // Touched only by the stream's thread.
  uint64_t next_;
  std::optional<uint64_t> prev_term_;       // the leader's term at next_ - 1, when known
  std::deque<wal::Record> read_ahead_;      // records from next_ on, read from the WAL
  std::vector<wal::Record> sending_;        // the records of the Append in flight
  FollowerState state_;
  std::chrono::milliseconds backoff_{0};
  SteadyTime::time_point not_before_{};     // backing off until then
  SteadyTime::time_point last_contact_{};   // of the last answered Append
  std::string last_problem_;
  std::unique_ptr<SnapshotSender> sender_;  // the transfer in progress, or its outcome not yet taken
  bool stopped_ = false;
};

}  // namespace kv::tablet
