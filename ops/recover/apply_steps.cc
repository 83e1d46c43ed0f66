#include "ops/recover/apply_steps.h"

#include <algorithm>

namespace kv::recover {

namespace {

std::string Name(const PartitionPlan& p) { return p.table + " pid " + std::to_string(p.pid); }

// The replica is on a tablet that answered the collection just made.
bool Runs(const ReplicaDecision& d, const std::set<std::string>& running) {
  return d.source == Source::kOnline && running.count(d.endpoint) > 0;
}

// Why the partition cannot be applied as planned, and what the operator does
// first; "" when it can.
std::string Hold(const PartitionPlan& p, const std::set<std::string>& running) {
  if (p.refused) {
    return std::string(VerdictName(p.verdict)) + " (" + p.risk +
           "): refused without --accept-data-loss; plan again with it to accept the loss";
  }
  if (p.verdict == Verdict::kNoReplica) {
    return "no replica holds data: recreating it empty is not automated; drop and create the table, or start the "
           "tablets that hold it and collect again";
  }
  const ReplicaDecision& leader = p.replicas.front();
  if (IsDamaged(leader.health)) {
    return "its best replica on " + p.leader + " is " + HealthName(leader.health) +
           ": run `repair partition` on that replica's folder (docs/repair.md) with its tablet stopped, then collect "
           "and plan again";
  }
  if (!Runs(leader, running)) {
    return "its best replica is on " + p.leader +
           ", whose tablet does not run: start a tablet on that data dir (or copy the replica's folder to a running "
           "tablet's), then collect and plan again";
  }
  return "";
}

}  // namespace

ApplySteps StepsOf(const Plan& plan, const std::set<std::string>& running) {
  ApplySteps out;
  for (const PartitionPlan& p : plan.partitions) {
    if (p.verdict == Verdict::kHealthy) {
      ++out.healthy;
      continue;
    }
    if (std::string why = Hold(p, running); !why.empty()) {
      out.held.push_back(Name(p) + ": " + why);
      continue;
    }
    PartitionSteps s{.table = p.table, .tid = p.tid, .pid = p.pid, .leader = p.leader, .leader_last = p.leader_last};
    std::set<std::string> holding = {p.leader};
    uint32_t to_place = p.replicas_to_add;
    std::vector<std::string> replace;
    for (const ReplicaDecision& d : p.replicas) {
      s.min_term = std::max(s.min_term, d.last.term);
      if (d.fate == Fate::kLeader || d.fate == Fate::kNotCollected) continue;
      if (!Runs(d, running)) {
        replace.push_back(d.endpoint);
      } else if (d.fate == Fate::kRebuild) {
        s.rebuild.push_back(d.endpoint);
        holding.insert(d.endpoint);
      } else {
        s.catch_up.push_back(d.endpoint);
        holding.insert(d.endpoint);
      }
    }
    // Room: running tablets that hold no replica of the partition.
    size_t room = std::count_if(running.begin(), running.end(), [&](const std::string& e) {
      return !holding.count(e) && std::none_of(p.replicas.begin(), p.replicas.end(),
                                               [&](const ReplicaDecision& d) { return d.endpoint == e; });
    });
    const size_t wanted = replace.size() + to_place;
    for (const std::string& e : replace) {
      if (room == 0) break;
      s.replace.push_back(e);
      --room;
    }
    s.add = uint32_t(std::min<size_t>(to_place, room));
    if (wanted > s.replace.size() + s.add) {
      s.note = std::to_string(wanted - s.replace.size() - s.add) +
               " replica(s) could not be placed: no other running tablet; once one runs, re-replication (replica_down_timeout_ms) or another recoverdata places them";
    }
    out.partitions.push_back(std::move(s));
  }
  return out;
}

}  // namespace kv::recover
