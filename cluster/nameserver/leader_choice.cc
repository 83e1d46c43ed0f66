#include "cluster/nameserver/leader_choice.h"

#include <algorithm>
#include <tuple>

namespace kv::ns {

namespace {

std::string Describe(const ReplicaPosition& p) {
  return p.endpoint + " (last term " + std::to_string(p.last_term) + ", last offset " + std::to_string(p.last_offset) +
         ")";
}

}  // namespace

bool CanWrite(v1::ReplicaState state) {
  return state == v1::TABLE_NORMAL || state == v1::REPLICA_STATE_UNSPECIFIED;
}

bool Ahead(const ReplicaPosition& a, const ReplicaPosition& b) {
  return std::tie(a.last_term, a.last_offset) > std::tie(b.last_term, b.last_offset);
}

Result<std::string> ChooseLeader(const std::vector<ReplicaPosition>& answered, const std::vector<std::string>& excluded,
                                 const std::optional<std::string>& candidate) {
  const ReplicaPosition* best = nullptr;  // over every answer: what must not be lost
  const ReplicaPosition* chosen = nullptr;
  for (const ReplicaPosition& p : answered) {
    if (best == nullptr || Ahead(p, *best)) best = &p;
    const bool allowed = std::find(excluded.begin(), excluded.end(), p.endpoint) == excluded.end();
    if (!allowed) continue;
    if (candidate && p.endpoint == *candidate && !p.can_write) {
      return Status::FailedPrecondition("candidate " + Describe(p) +
                                        " cannot write; leave it out and the best replica that can write leads");
    }
    if (!p.can_write) continue;
    if (candidate ? p.endpoint == *candidate : (chosen == nullptr || Ahead(p, *chosen))) chosen = &p;
  }
  if (chosen == nullptr) {
    return Status::NotFound(candidate ? "candidate " + *candidate + " did not answer as a replica of the partition"
                                      : std::string("no replica that may lead and can write answered"));
  }
  // Invariant 6: a replica behind another one would cut that one's newer records.
  if (Ahead(*best, *chosen)) {
    return Status::InvalidArgument(Describe(*chosen) + " is behind " + Describe(*best) + ": it would lose records; " +
                                   (candidate ? "choose " + best->endpoint + " or leave the candidate out"
                                              : std::string("bring that replica back or let it lead")));
  }
  return chosen->endpoint;
}

}  // namespace kv::ns
