// Streams a leader's log to one follower (docs/cluster.md, "Writes and
// replication"), on a thread of its own.
//
// It sends Append(term, prev_term, prev_offset, records) with up to a batch of
// the records after the follower's next offset: from the tail buffer, or
// (for a follower further behind) from the WAL, read ahead in larger runs. It
// starts optimistic (next = the leader's last offset + 1) and backs up on
// LOG_MISMATCH with the follower's hint, a whole term at a time (Raft's fast
// backup). It wakes as soon as the leader's log grows; a follower that does
// not answer is retried with exponential backoff; a follower idle for a while
// gets an empty Append, which tells it who leads and confirms its match offset.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
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
};

struct ReplicatorTarget {
  PartitionKey partition;
  uint64_t term = 0;
  uint64_t generation = 0;
  std::string leader;    // this tablet's endpoint, sent so followers can point clients at it
  std::string follower;  // endpoint
  uint64_t next_offset = 1;
};

class Replicator {
 public:
  Replicator(ReplicatorTarget target, ReplicationSource& source, v1::Tablet::Stub& follower,
             const ReplicationOptions& options);
  ~Replicator();
  Replicator(const Replicator&) = delete;
  Replicator& operator=(const Replicator&) = delete;

  // Cancels the Append in flight and waits for the thread to end. Call it after
  // the partition ended the replicator's generation.
  void Stop();

 private:
  void Run();
  // The next records to send (none when the follower has everything applied).
  Status NextBatch(std::vector<wal::Record>* batch);
  // Sends one Append; returns how long to back off before the next (0: go on at once).
  std::chrono::milliseconds Send(const std::vector<wal::Record>& batch);
  void Advance(const std::vector<wal::Record>& sent);
  Status BackUp(const v1::AppendResponse& mismatch);
  std::chrono::milliseconds NextBackoff();
  void Report();
  // Logs a problem when it differs from the last one logged, so a follower
  // that stays down gives one line, not one per retry.
  void NoteProblem(const std::string& problem);

  const ReplicatorTarget target_;
  ReplicationSource& source_;
  const ReplicationOptions options_;
  v1::Tablet::Stub& stub_;

  // Touched only by the replicator's thread.
  uint64_t next_;
  std::optional<uint64_t> prev_term_;       // the leader's term at next_ - 1, when known
  std::deque<wal::Record> read_ahead_;      // records from next_ on, read from the WAL
  FollowerState state_;
  std::chrono::milliseconds backoff_{0};
  std::string last_problem_;

  std::mutex call_mu_;
  grpc::ClientContext* call_ = nullptr;  // the Append in flight
  bool stopping_ = false;

  std::thread thread_;
};

}  // namespace kv::tablet
