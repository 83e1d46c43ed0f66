// What a replicator needs from the partition it replicates for, and what it
// reports back. The partition (partition.h) implements it; replicators of one
// leadership share a generation, and stop when the partition ends it.
#pragma once

#include <cstdint>
#include <string>

#include "cluster/storage/replica.h"
#include "cluster/tablet/tail_buffer.h"

namespace kv::tablet {

struct FollowerState {
  uint64_t match_offset = 0;  // the follower's log matches the leader's up to here (this term)
  bool connected = false;     // the last Append got an answer
  bool needs_snapshot = false;  // it needs records the leader's WAL no longer has
};

class ReplicationSource {
 public:
  virtual ~ReplicationSource() = default;

  virtual bool Running(uint64_t generation) const = 0;

  virtual const storage::Replica& replica() const = 0;
  virtual const TailBuffer& tail() const = 0;

  virtual void OnFollowerState(uint64_t generation, const std::string& follower, const FollowerState& state) = 0;
  // A follower has seen a newer term: another replica leads now.
  virtual void OnNewerTerm(uint64_t generation, uint64_t term) = 0;
};

}  // namespace kv::tablet
