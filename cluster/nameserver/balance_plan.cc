// Greedy, one move at a time: take the fullest and the emptiest tablet whose
// counts differ by two or more and move one thing between them: per table its
// replicas, then its leaders; then replicas of all tables together. Every move
// lowers the sum of the squared counts, so the plan ends; a partition moves at
// most once a round, so a round can end early and the next round goes on.
#include "cluster/nameserver/balance_plan.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <tuple>

namespace kv::ns {
namespace {

using Counts = std::map<std::string, int64_t>;

bool TakesPart(const TableMeta &table, const std::set<std::string> &healthy) {
  if (table.state != TableState::kNormal) return false;
  for (const PartitionMeta &p : table.partitions) {
    if (p.leader.empty()) return false;
    for (const ReplicaMeta &r : p.replicas) {
      if (!r.is_alive || !healthy.count(r.endpoint)) return false;
    }
  }
  return true;
}

// Healthy tablets from the least to the most loaded: by the table's own count,
// then by every table's replicas together, then by endpoint (a stable plan).
std::vector<std::string> ByLoad(const Counts &count, const Counts &total) {
  std::vector<std::string> tablets;
  for (const auto &[endpoint, n] : count) tablets.push_back(endpoint);
  std::sort(tablets.begin(), tablets.end(), [&](const std::string &a, const std::string &b) {
    return std::tie(count.at(a), total.at(a), a) < std::tie(count.at(b), total.at(b), b);
  });
  return tablets;
}

bool HasReplicaOn(const PartitionMeta &p, const std::string &endpoint) { return p.FindReplica(endpoint) != nullptr; }

// A partition to move a replica of from `from` to `to`: not yet moved this
// round, on `from`, not on `to`; a follower's replica before the leader's.
std::optional<uint32_t> ReplicaToMove(const std::vector<PartitionMeta> &parts, const std::set<uint32_t> &moved,
                                      const std::string &from, const std::string &to) {
  std::optional<uint32_t> leaders_own;
  for (const PartitionMeta &p : parts) {
    if (moved.count(p.pid) || !HasReplicaOn(p, from) || HasReplicaOn(p, to)) continue;
    if (p.leader != from) return p.pid;
    if (!leaders_own) leaders_own = p.pid;
  }
  return leaders_own;
}

// Leadership moves only to a tablet holding a replica, so the emptiest tablet
// may be out of the fullest one's reach; a chain gets there: the fullest hands
// partition p1 to X, X hands p2 to Y, ... Y's count rises by one, the fullest
// one's falls by one, the others' stay. A breadth-first search from the
// fullest tablets, over partitions not moved this round, finds the shortest
// chain to a tablet two or more below. Each link is (pid, from, to).
using Link = std::tuple<uint32_t, std::string, std::string>;
std::vector<Link> LeaderChain(const std::vector<PartitionMeta> &parts, const std::set<uint32_t> &moved,
                              const Counts &leaders, const std::vector<std::string> &by_load) {
  for (auto source = by_load.rbegin(); source != by_load.rend(); ++source) {
    std::map<std::string, Link> reached_by{{*source, {0, "", ""}}};
    std::vector<std::string> frontier{*source};
    for (size_t i = 0; i < frontier.size(); ++i) {
      const std::string at = frontier[i];
      for (const PartitionMeta &p : parts) {
        if (moved.count(p.pid) || p.leader != at) continue;
        for (const ReplicaMeta &r : p.replicas) {
          if (reached_by.count(r.endpoint)) continue;
          reached_by[r.endpoint] = {p.pid, at, r.endpoint};
          if (leaders.at(*source) - leaders.at(r.endpoint) >= 2) {
            std::vector<Link> chain;
            for (std::string e = r.endpoint; e != *source; e = std::get<1>(reached_by[e]))
              chain.push_back(reached_by[e]);
            std::reverse(chain.begin(), chain.end());
            return chain;
          }
          frontier.push_back(r.endpoint);
        }
      }
    }
  }
  return {};
}

// The first (fullest source, emptiest target) pair two or more apart for which
// pick finds a partition: the pid, source and target.
template <typename Pick>
std::optional<Link> NextMove(const Counts &count, const Counts &total, Pick pick) {
  const std::vector<std::string> order = ByLoad(count, total);
  for (auto from = order.rbegin(); from != order.rend(); ++from) {
    for (const std::string &to : order) {
      if (count.at(*from) - count.at(to) < 2) break;  // targets only get fuller from here
      if (auto pid = pick(*from, to)) return std::make_tuple(*pid, *from, to);
    }
  }
  return std::nullopt;
}

Counts ZeroCounts(const std::set<std::string> &healthy) {
  Counts c;
  for (const std::string &h : healthy) c[h] = 0;
  return c;
}

// A table taking part, as it will be after this round's moves.
struct TableWork {
  const TableMeta *meta;
  std::vector<PartitionMeta> parts;
  std::set<uint32_t> moved;  // pids moved this round

  Counts ReplicaCounts(const std::set<std::string> &healthy) const {
    Counts count = ZeroCounts(healthy);
    for (const PartitionMeta &p : parts) {
      for (const ReplicaMeta &r : p.replicas) ++count[r.endpoint];
    }
    return count;
  }
};

class Planner {
 public:
  Planner(const std::set<std::string> &healthy, Counts total) : healthy_(healthy), total_(std::move(total)) {}

  // Each table's replicas, then its leaders.
  void BalanceTable(TableWork &t) {
    while (true) {
      const Counts count = t.ReplicaCounts(healthy_);
      auto next = NextMove(count, total_, [&](const std::string &from, const std::string &to) {
        return ReplicaToMove(t.parts, t.moved, from, to);
      });
      if (!next) break;
      MoveReplica(t, *next);
    }
    while (true) {
      Counts leaders = ZeroCounts(healthy_);
      for (const PartitionMeta &p : t.parts) ++leaders[p.leader];
      const std::vector<Link> chain = LeaderChain(t.parts, t.moved, leaders, ByLoad(leaders, total_));
      if (chain.empty()) break;
      for (const auto &[pid, from, to] : chain) {
        t.parts[pid].leader = to;
        Emit(t, BalanceMove::Kind::kLeader, pid, from, to);
      }
    }
  }

  // Then all tables together: a replica moves from the fullest tablet to the
  // emptiest only where its table holds more on the first than on the second,
  // which keeps every table within one.
  void BalanceTotal(std::vector<TableWork> &tables) {
    while (true) {
      TableWork *chosen = nullptr;
      auto next = NextMove(total_, total_, [&](const std::string &from, const std::string &to) {
        for (TableWork &t : tables) {
          const Counts count = t.ReplicaCounts(healthy_);
          if (count.at(from) <= count.at(to)) continue;
          if (auto pid = ReplicaToMove(t.parts, t.moved, from, to)) {
            chosen = &t;
            return pid;
          }
        }
        return std::optional<uint32_t>();
      });
      if (!next) break;
      MoveReplica(*chosen, *next);
    }
  }

  std::vector<BalanceMove> TakeMoves() { return std::move(moves_); }

 private:
  void MoveReplica(TableWork &t, const Link &move) {
    const auto &[pid, from, to] = move;
    PartitionMeta &p = t.parts[pid];
    for (ReplicaMeta &r : p.replicas) {
      if (r.endpoint == from) r.endpoint = to;
    }
    if (p.leader == from) p.leader = to;  // an estimate: the partition moves no more this round
    --total_[from];
    ++total_[to];
    Emit(t, BalanceMove::Kind::kReplica, pid, from, to);
  }

  void Emit(TableWork &t, BalanceMove::Kind kind, uint32_t pid, const std::string &from, const std::string &to) {
    moves_.push_back({kind, t.meta->name, t.meta->tid, pid, from, to});
    t.moved.insert(pid);
  }

  const std::set<std::string> &healthy_;
  Counts total_;  // replicas of every table per healthy tablet
  std::vector<BalanceMove> moves_;
};

}  // namespace

std::string BalanceMove::Describe() const {
  return std::string(kind == Kind::kReplica ? "move replica " : "move leader ") + table + "/" + std::to_string(pid) +
         " from " + from + " to " + to;
}

std::vector<BalanceMove> PlanBalance(const std::vector<TableMeta> &tables, const std::vector<std::string> &healthy) {
  const std::set<std::string> live(healthy.begin(), healthy.end());
  Counts total = ZeroCounts(live);
  std::vector<TableWork> work;
  for (const TableMeta &t : tables) {
    for (const PartitionMeta &p : t.partitions) {
      for (const ReplicaMeta &r : p.replicas) {
        if (live.count(r.endpoint)) ++total[r.endpoint];
      }
    }
    if (TakesPart(t, live)) work.push_back({&t, t.partitions, {}});
  }
  Planner planner(live, std::move(total));
  for (TableWork &t : work) planner.BalanceTable(t);
  planner.BalanceTotal(work);
  return planner.TakeMoves();
}

}  // namespace kv::ns
