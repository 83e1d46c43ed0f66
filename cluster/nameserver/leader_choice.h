// Which replica leads after a failure (design brief, invariant 6): the one
// with the greatest (last term, last offset), the newer last term winning and
// the longer log breaking a tie. A pure function, so the rule is tested alone.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cluster/proto/kv.pb.h"
#include "common/status.h"

namespace kv::ns {

struct ReplicaPosition {
  std::string endpoint;
  uint64_t last_term = 0;
  uint64_t last_offset = 0;
  // False for a replica that cannot write (its WAL writer stopped after a
  // failed write, kv.proto TABLE_WRITE_STOPPED): never chosen, but its log
  // still counts for what must not be lost.
  bool can_write = true;
};

// Whether a replica a tablet reports in this state can write: TABLE_NORMAL,
// or unset by a tablet older than the field.
bool CanWrite(v1::ReplicaState state);

// True when a's log is ahead of b's by invariant 6 (last term first, then offset).
bool Ahead(const ReplicaPosition& a, const ReplicaPosition& b);

// Chooses among the replicas that answered (answered) the ones allowed to
// lead: not in excluded, and able to write. With a candidate, that one,
// unless another answer is ahead of it. InvalidArgument when the choice would
// lose records another replica holds (the candidate or every allowed replica
// is behind), naming the replica that is ahead; FailedPrecondition when the
// candidate cannot write; NotFound when the candidate did not answer or none
// is allowed.
Result<std::string> ChooseLeader(const std::vector<ReplicaPosition>& answered, const std::vector<std::string>& excluded,
                                 const std::optional<std::string>& candidate);

}  // namespace kv::ns
