// Where replicas go: re-replication after replica_down_timeout_ms, leftovers
// of a tablet that came back, setreplicas and the balancer (README.md "Ops:
// re-replication, setreplicas and the balancer"). Everything here runs under
// mu_ and only submits ops; the ops' tasks call the tablets.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "cluster/nameserver/balance_plan.h"
#include "cluster/nameserver/nameserver.h"
#include "cluster/nameserver/op_kinds.h"

namespace kv::ns {

namespace {

bool LeaderLive(const PartitionMeta& partition) {
  const ReplicaMeta* leader = partition.FindReplica(partition.leader);
  return leader != nullptr && leader->is_alive;
}

std::string PartitionName(const std::string& table, uint32_t pid) {
  return "table " + table + " pid " + std::to_string(pid);
}

}  // namespace

size_t NameServer::ReplicaLoadLocked(const std::string& endpoint) const {
  size_t in_meta = 0;
  for (const auto& [name, table] : tables_) {
    for (const PartitionMeta& p : table.partitions) in_meta += p.FindReplica(endpoint) != nullptr ? 1 : 0;
  }
  // Replicas being added are on the tablet before they are in the metadata.
  auto it = tablets_.find(endpoint);
  return std::max(in_meta, it == tablets_.end() ? size_t{0} : it->second.reported.size());
}

std::string NameServer::LeastLoadedTargetLocked(const PartitionMeta& partition) const {
  std::string best;
  size_t best_load = 0;
  for (const auto& [endpoint, tablet] : tablets_) {  // sorted by endpoint: ties go to the first
    if (tablet.meta.state != TabletState::kHealthy || partition.FindReplica(endpoint) != nullptr) continue;
    const size_t load = ReplicaLoadLocked(endpoint);
    if (best.empty() || load < best_load) {
      best = endpoint;
      best_load = load;
    }
  }
  return best;
}

void NameServer::ReReplicateLocked() {
  if (!active_ || !runner_) return;
  auto enabled = config_.Get("auto_failover");
  auto timeout = config_.Get("replica_down_timeout_ms");
  if (!enabled.ok() || *enabled != "true" || !timeout.ok()) return;
  const uint64_t now_ms = WallClockMs();
  const uint64_t down_ms = std::stoull(*timeout);
  for (const auto& [endpoint, tablet] : tablets_) {
    if (tablet.meta.state != TabletState::kOffline) continue;
    // A clock set back makes the tablet look freshly down, never long down.
    if (now_ms < tablet.meta.state_changed_at_ms || now_ms - tablet.meta.state_changed_at_ms < down_ms) continue;
    for (const auto& [name, table] : tables_) {
      if (table.state != TableState::kNormal) continue;
      for (const PartitionMeta& partition : table.partitions) {
        const ReplicaMeta* replica = partition.FindReplica(endpoint);
        if (replica == nullptr || replica->is_alive || partition.leader == endpoint) continue;
        // A partition without a live leader gets one first (auto_failover);
        // one without a free tablet waits for one to register.
        if (!LeaderLive(partition) || !TabletHealthyLocked(partition.leader)) continue;
        if (LeastLoadedTargetLocked(partition).empty()) continue;
        const auto key = std::make_tuple(name, partition.pid, endpoint);
        if (readd_submitted_.count(key) != 0) continue;
        // Refused while another op holds the partition: tried again next check.
        Result<uint64_t> id = SubmitLocked(*runner_, ReAddReplicaOp(table, partition.pid, endpoint));
        if (id.ok()) readd_submitted_.insert(key);
      }
    }
  }
}

void NameServer::QueueLeftoversLocked(const TabletEntry& tablet) {
  const std::string& endpoint = tablet.meta.endpoint;
  for (const auto& [key, status] : tablet.reported) {
    for (const auto& [name, table] : tables_) {
      if (table.tid != key.first || key.second >= table.partitions.size()) continue;
      if (table.partitions[key.second].FindReplica(endpoint) == nullptr) {
        spdlog::warn("tablet {} holds a replica of {} that was re-created elsewhere while it was down: dropping it "
                     "(kept in quarantine)",
                     endpoint, PartitionName(name, key.second));
        leftover_pending_.insert({name, key.second, endpoint});
      }
    }
  }
}

void NameServer::DropLeftoversLocked() {
  if (!active_ || !runner_) return;
  for (auto it = leftover_pending_.begin(); it != leftover_pending_.end();) {
    const auto& [name, pid, endpoint] = *it;
    auto table = tables_.find(name);
    const bool still_leftover = table != tables_.end() && table->second.state == TableState::kNormal &&
                                pid < table->second.partitions.size() &&
                                table->second.partitions[pid].FindReplica(endpoint) == nullptr &&
                                TabletHealthyLocked(endpoint);
    if (!still_leftover) {
      it = leftover_pending_.erase(it);
    } else if (SubmitLocked(*runner_, DropLeftoverOp(table->second, pid, endpoint)).ok()) {
      it = leftover_pending_.erase(it);
    } else {
      ++it;  // another op holds the partition: next check
    }
  }
}

Result<NameServer::Balanced> NameServer::BalanceLocked(op::OpRunner& runner) {
  std::vector<TableMeta> tables;
  for (const auto& [name, table] : tables_) tables.push_back(table);
  Balanced out;
  for (const BalanceMove& move : PlanBalance(tables, HealthyTabletsLocked())) {
    const TableMeta& table = tables_.at(move.table);
    const PartitionMeta& partition = table.partitions[move.pid];
    op::Op op = move.kind == BalanceMove::Kind::kReplica
                    ? MigrateOp(table, move.pid, move.from, move.to, partition.leader == move.from)
                    : FailoverOp(table, move.pid, {{"trigger", "balance"}, {"candidate", move.to}});
    Result<uint64_t> id = SubmitLocked(runner, std::move(op));
    if (id.ok()) {
      out.submitted.op_ids.push_back(*id);
      out.moves.push_back(move.Describe());
    } else {
      out.submitted.refused.push_back(move.Describe() + ": " + id.status().message());
    }
  }
  return out;
}

Result<NameServer::Balanced> NameServer::Balance() {
  std::lock_guard lock(mu_);
  KV_ASSIGN_OR_RETURN(std::shared_ptr<op::OpRunner> runner, RunnerLocked());
  return BalanceLocked(*runner);
}

void NameServer::AutoBalanceLocked() {
  if (balance_rounds_left_ <= 0 || !active_ || !runner_) return;
  auto enabled = config_.Get("auto_balance");
  if (!enabled.ok() || *enabled != "true") return;
  // A plan made while moves run would count them twice: wait until every op is final.
  for (op::OpStatus unfinished : {op::OpStatus::kInited, op::OpStatus::kDoing}) {
    Result<std::vector<op::Op>> ops = runner_->List({.status = unfinished});
    if (!ops.ok() || !ops->empty()) return;
  }
  Result<Balanced> round = BalanceLocked(*runner_);
  if (!round.ok()) return;
  --balance_rounds_left_;
  if (round->submitted.op_ids.empty()) {
    balance_rounds_left_ = 0;  // balanced (or nothing can move now)
  } else {
    spdlog::info("auto_balance: {} move(s) submitted", round->moves.size());
  }
}

Result<NameServer::Submitted> NameServer::SetReplicas(const std::string& name, uint32_t n) {
  std::lock_guard lock(mu_);
  KV_ASSIGN_OR_RETURN(std::shared_ptr<op::OpRunner> runner, RunnerLocked());
  KV_ASSIGN_OR_RETURN(const TableMeta* table, FindTableLocked(name));
  if (n < 1) return Status::InvalidArgument("a table needs at least 1 replica, not " + std::to_string(n));
  const size_t live = HealthyTabletsLocked().size();
  if (n > live) {
    return Status::FailedPrecondition("asked for " + std::to_string(n) + " replicas but only " +
                                      std::to_string(live) + " tablets are healthy");
  }
  // Removal takes not-alive followers first: what is left must still hold a
  // majority of n alive, or acks majority could never be met again.
  for (const PartitionMeta& p : table->partitions) {
    if (p.replicas.size() <= n) continue;
    const size_t alive = std::count_if(p.replicas.begin(), p.replicas.end(), [](auto& r) { return r.is_alive; });
    if (std::min<size_t>(alive, n) < n / 2 + 1) {
      return Status::FailedPrecondition(PartitionName(name, p.pid) + " has only " + std::to_string(alive) +
                                        " alive replicas: going down to " + std::to_string(n) +
                                        " would leave it without a majority; recover its replicas first");
    }
  }
  TableMeta updated = *table;
  updated.replica_count = n;
  KV_RETURN_IF_ERROR(PersistedLocked(repository_.SaveTable(updated)));
  tables_[name] = updated;
  Submitted out;
  for (const PartitionMeta& p : updated.partitions) {
    const size_t have = p.replicas.size();
    if (have == n) continue;
    op::Op op = have < n ? AddReplicasOp(updated, p.pid, static_cast<uint32_t>(n - have))
                         : DelReplicasOp(updated, p.pid, static_cast<uint32_t>(have - n));
    Result<uint64_t> id = SubmitLocked(*runner, std::move(op));
    if (id.ok()) {
      out.op_ids.push_back(*id);
    } else {
      out.refused.push_back(PartitionName(name, p.pid) + ": " + id.status().message());
    }
  }
  return out;
}

}  // namespace kv::ns
