// Replication from this tablet to one follower tablet (docs/cluster.md,
// "Batching on every hop"): one thread per follower tablet drives the
// replicators of every partition this tablet leads there, and sends their
// Appends together, one AppendMulti per round trip.
//
// A round asks each replicator for its next Append (Replicator::Prepare: the
// records after the follower's next offset, an idle probe, or nothing yet),
// sends the ones it got in one AppendMulti, and hands each its own answer
// (Replicator::Handle). It runs again at once after a round that sent
// something or when a leader's log grew (Wake), else when the earliest
// replicator wants attention (an idle probe, a backoff's end). Replication
// state stays per (partition, follower): the follower checks each Append on
// its own (invariants 2 and 3).
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cluster/client/channels.h"
#include "cluster/proto/kv.grpc.pb.h"
#include "cluster/tablet/replicator.h"

namespace kv::tablet {

class FollowerStream {
 public:
  FollowerStream(std::string follower, v1::Tablet::Stub& stub, std::chrono::milliseconds rpc_timeout);
  ~FollowerStream();  // its replicators must have been removed
  FollowerStream(const FollowerStream&) = delete;
  FollowerStream& operator=(const FollowerStream&) = delete;

  void Add(Replicator* r);
  // Returns once the stream no longer uses r. The round in flight is
  // cancelled: its other replicators send again at once, without backoff.
  void Remove(Replicator* r);
  // A leader's log grew: run a round now.
  void Wake();
  // The follower tablet's stub, for calls outside the rounds (a snapshot transfer).
  v1::Tablet::Stub& stub() { return stub_; }

 private:
  using SteadyTime = std::chrono::steady_clock;

  void Run();
  // One round over these replicators; returns when the next is due.
  SteadyTime::time_point Round(const std::vector<Replicator*>& members);
  // Sends the Appends (AppendMulti, or one by one to a tablet without it).
  grpc::Status Send(grpc::ClientContext* ctx, const v1::AppendMultiRequest& req, v1::AppendMultiResponse* resp);

  const std::string follower_;
  v1::Tablet::Stub& stub_;
  const std::chrono::milliseconds rpc_timeout_;
  bool single_only_ = false;  // the follower answered AppendMulti UNIMPLEMENTED; touched by the thread only

  std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable round_done_;
  std::vector<Replicator*> members_;
  bool woken_ = false;
  bool stopping_ = false;
  bool in_round_ = false;
  bool cancel_round_ = false;
  grpc::ClientContext* in_flight_ = nullptr;
  std::thread thread_;
};

// This tablet's streams, one per follower tablet, made on first use.
class FollowerStreams {
 public:
  FollowerStreams(client::Channels& channels, std::chrono::milliseconds rpc_timeout)
      : channels_(channels), rpc_timeout_(rpc_timeout) {}
  FollowerStream& To(const std::string& follower);

 private:
  client::Channels& channels_;
  const std::chrono::milliseconds rpc_timeout_;
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<FollowerStream>> streams_;
};

}  // namespace kv::tablet
