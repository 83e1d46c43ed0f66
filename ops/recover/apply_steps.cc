#include "ops/recover/apply_steps.h"

#include <algorithm>

namespace kv::recover {

namespace {

std::string Name(const PartitionPlan& p) { return p.table + " pid " + std::to_string(p.pid); }

// The replica is on a tablet that answered the collection just made.
bool Runs(const ReplicaDecision& d, const std::set<std::string>& running) {
  return d.source == Source::kOnline && running.count(d.endpoint) > 0;
}

// Running tablets that hold no replica of the partition, in endpoint order.
std::vector<std::string> Room(const PartitionPlan& p, const std::set<std::string>& running) {
  std::vector<std::string> out;
  for (const std::string& e : running) {
    if (std::none_of(p.replicas.begin(), p.replicas.end(), [&](const ReplicaDecision& d) { return d.endpoint == e; })) {
      out.push_back(e);
    }
  }
  return out;
}

// A folder the report names by an absolute path, which another tablet can copy.
bool Copyable(const ReplicaDecision& d) { return !d.folder.empty() && d.folder.front() == '/'; }

// Where the best replica, read offline from a tablet that does not run, is
// copied: the first running tablet without a replica of the partition; ""
// when there is none, or the report gives no absolute folder to copy.
std::string AdoptHome(const PartitionPlan& p, const std::set<std::string>& running) {
  const ReplicaDecision& leader = p.replicas.front();
  if (Runs(leader, running) || !Copyable(leader)) return "";
  const std::vector<std::string> room = Room(p, running);
  return room.empty() ? "" : room.front();
}

// Why the partition cannot be applied as planned, and what the operator does
// first; "" when it can.
std::string Hold(const PartitionPlan& p, const std::set<std::string>& running) {
  if (p.refused) {
    return std::string(VerdictName(p.verdict)) + " (" + p.risk +
           "): refused without --accept-data-loss; plan again with it to accept the loss";
  }
  if (p.verdict == Verdict::kNoReplica) {
    if (running.empty()) return "no replica holds data, and no tablet runs to create it on: start one";
    return "";
  }
  const ReplicaDecision& leader = p.replicas.front();
  if (!Runs(leader, running) && AdoptHome(p, running).empty()) {
    std::string why = "its best replica is on " + p.leader + ", whose tablet does not run, and ";
    why += !Copyable(leader)
               ? "its report names no absolute folder to copy (run `inspect tablet` on an absolute DATA_DIR)"
               : "no running tablet without a replica of it can take a copy";
    return why + ": start a tablet on that data dir (or copy the replica's folder to a running tablet's and "
                 "`loadtable` it), then collect and plan again";
  }
  if (leader.health == Health::kUnreadable) {
    return "its best replica on " + p.leader + " is " + HealthName(leader.health) + " (" + leader.why +
           "): fix its replica.json with `repair partition descriptor` (docs/repair.md) on a stopped tablet, then "
           "collect and plan again";
  }
  return "";
}

// Where a partition no replica holds is created: a running tablet the
// placement names (its replica is missing there), else the first running one.
std::string EmptyHome(const PartitionPlan& p, const std::set<std::string>& running) {
  for (const ReplicaDecision& d : p.replicas) {
    if (running.count(d.endpoint)) return d.endpoint;
  }
  return *running.begin();
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
    if (p.verdict == Verdict::kNoReplica) {
      s.leader = EmptyHome(p, running);
      s.create_empty = true;
    } else {
      s.repair_leader = IsDamaged(p.replicas.front().health);
      if (std::string home = AdoptHome(p, running); !home.empty()) {
        s.adopt_from = p.leader;
        s.adopt_folder = p.replicas.front().folder;
        s.leader = home;
      }
    }
    std::set<std::string> holding = {s.leader};
    uint32_t to_place = p.replicas_to_add;
    std::vector<std::string> replace;
    for (const ReplicaDecision& d : p.replicas) {
      s.min_term = std::max(s.min_term, d.last.term);
      if (d.fate == Fate::kLeader || d.fate == Fate::kNotCollected || d.endpoint == s.leader) continue;
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
    const std::vector<std::string> free = Room(p, running);
    size_t room = std::count_if(free.begin(), free.end(), [&](const std::string& e) { return !holding.count(e); });
    const size_t wanted = replace.size() + to_place;
    for (const std::string& e : replace) {
      if (room == 0) break;
      s.replace.push_back(e);
      --room;
    }
    s.add = uint32_t(std::min<size_t>(to_place, room));
    std::vector<std::string> notes;
    if (s.create_empty) notes.push_back("created empty on " + s.leader + " (no replica holds data; the loss is accepted)");
    if (!s.adopt_from.empty()) {
      notes.push_back("its best replica, on " + s.adopt_from + " (not running), is copied from " + s.adopt_folder +
                      " to " + s.leader + ", which leads");
    }
    if (s.repair_leader) {
      notes.push_back("its leader on " + s.leader + " is repaired in place first (" +
                      HealthName(p.replicas.front().health) + "; the loss is accepted)");
    }
    if (wanted > s.replace.size() + s.add) {
      notes.push_back(std::to_string(wanted - s.replace.size() - s.add) +
                      " replica(s) could not be placed: no other running tablet; once one runs, re-replication "
                      "(replica_down_timeout_ms) or another recoverdata places them");
    }
    for (const std::string& n : notes) s.note += (s.note.empty() ? "" : "; ") + n;
    out.partitions.push_back(std::move(s));
  }
  return out;
}

}  // namespace kv::recover
