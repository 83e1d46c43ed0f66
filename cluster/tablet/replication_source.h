// What a replicator needs from the partition it replicates for, and what it
// reports back. The partition (partition.h) implements it; replicators of one
// leadership share a generation, and stop when the partition ends it.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "storage/replica.h"
#include "cluster/tablet/tail_buffer.h"
#include "common/status.h"

namespace kv::tablet {

struct FollowerState {
  uint64_t match_offset = 0;  // the follower's log matches the leader's up to here (this term)
  bool connected = false;     // the last Append got an answer
  bool needs_snapshot = false;  // it needs records the leader's WAL no longer has
  std::chrono::steady_clock::time_point last_answer{};  // of its last answer (WAL retention waits that long for it)
};

// A snapshot a leader sends to a follower; it is not pruned while `pin` lives.
struct SnapshotToSend {
  std::string dir;
  storage::SnapshotManifest manifest;
  std::shared_ptr<void> pin;
};

class ReplicationSource {
 public:
  virtual ~ReplicationSource() = default;

  virtual bool Running(uint64_t generation) const = 0;

  virtual const storage::Replica& replica() const = 0;
  virtual const TailBuffer& tail() const = 0;
  // A snapshot from which the leader's WAL continues (made now when the
  // newest one is older than the WAL's start). Called off the stream's thread.
  virtual Result<SnapshotToSend> SnapshotForFollower() = 0;

  virtual void OnFollowerState(uint64_t generation, const std::string& follower, const FollowerState& state) = 0;
  // A follower has seen a newer term: another replica leads now.
  virtual void OnNewerTerm(uint64_t generation, uint64_t term) = 0;
};

}  // namespace kv::tablet
