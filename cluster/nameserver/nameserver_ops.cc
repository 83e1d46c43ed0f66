// Ops in the nameserver: hosting the op runner (cluster/op/README.md "Hosting
// it in the nameserver"), the admin commands that submit ops, and
// auto_failover's choice of repairs. Task functions: nameserver_op_tasks.cc.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "cluster/nameserver/leader_choice.h"
#include "cluster/nameserver/nameserver.h"
#include "cluster/nameserver/op_kinds.h"

namespace kv::ns {

namespace {

std::string PartitionName(const TableMeta& table, uint32_t pid) {
  return "table " + table.name + " pid " + std::to_string(pid);
}

bool LeaderAlive(const PartitionMeta& partition) {
  const ReplicaMeta* leader = partition.FindReplica(partition.leader);
  return leader != nullptr && leader->is_alive;
}

}  // namespace

Status NameServer::StartOps() {
  KV_ASSIGN_OR_RETURN(uint64_t epoch, op::AllocateEpoch(store_));
  op::RunnerOptions options{.epoch = epoch};
  options.on_abandoned = [this](uint64_t id, const Status& why) {
    spdlog::error("op {} abandoned: {}", id, why.message());
    if (why.code() != Status::Code::kAborted) return;  // the store failed: a later Resume picks the op up
    // Another nameserver claimed the op: this one is stale. Stop serving; the
    // process loop re-activates if the election still says this one leads.
    std::lock_guard lock(mu_);
    active_ = false;
  };
  auto runner = std::make_shared<op::OpRunner>(store_, executor_.get(), std::move(options));
  KV_RETURN_IF_ERROR(runner->Resume());
  std::lock_guard lock(mu_);
  if (!active_) return Status::Aborted("lost the active role while resuming ops");
  runner_ = std::move(runner);
  spdlog::info("ops: epoch {}, unfinished ops resumed", epoch);
  return Status::OK();
}

std::shared_ptr<op::OpRunner> NameServer::TakeRunnerLocked() { return std::move(runner_); }

Result<std::shared_ptr<op::OpRunner>> NameServer::RunnerLocked() const {
  KV_RETURN_IF_ERROR(CheckActiveLocked());
  if (!runner_) return Status::Busy("the nameserver is still resuming its unfinished ops: try again in a moment");
  return runner_;
}

Result<uint64_t> NameServer::SubmitLocked(op::OpRunner& runner, op::Op op) {
  const std::string what = op.type + " on table " + op.table + (op.pid ? " pid " + std::to_string(*op.pid) : "");
  KV_ASSIGN_OR_RETURN(uint64_t id, runner.Submit(std::move(op)));
  spdlog::info("op {} submitted: {}", id, what);
  return id;
}

Result<const TableMeta*> NameServer::FindTableLocked(const std::string& name) const {
  auto it = tables_.find(name);
  if (it == tables_.end()) return Status::NotFound("table " + name + " does not exist");
  if (it->second.state != TableState::kNormal) {
    return Status::FailedPrecondition("table " + name + " is " + std::string(TableStateName(it->second.state)));
  }
  return &it->second;
}

Result<const PartitionMeta*> NameServer::FindPartitionLocked(const std::string& table, uint32_t pid) const {
  KV_ASSIGN_OR_RETURN(const TableMeta* meta, FindTableLocked(table));
  if (pid >= meta->partitions.size()) {
    return Status::NotFound("table " + table + " has no pid " + std::to_string(pid) + " (it has " +
                            std::to_string(meta->partitions.size()) + " partitions)");
  }
  return &meta->partitions[pid];
}

bool NameServer::TabletHealthyLocked(const std::string& endpoint) const {
  auto it = tablets_.find(endpoint);
  return it != tablets_.end() && it->second.meta.Usable();
}

bool NameServer::NeedsLeaderLocked(const TableMeta& table, const PartitionMeta& partition) const {
  return !LeaderAlive(partition) || !TabletHealthyLocked(partition.leader) ||
         CannotWriteLocked(partition.leader, table.tid, partition.pid);
}

const v1::ReplicaStatus* NameServer::ReportedLocked(const std::string& endpoint, uint32_t tid, uint32_t pid) const {
  auto tablet = tablets_.find(endpoint);
  if (tablet == tablets_.end()) return nullptr;
  auto it = tablet->second.reported.find({tid, pid});
  return it == tablet->second.reported.end() ? nullptr : &it->second;
}

bool NameServer::CannotWriteLocked(const std::string& endpoint, uint32_t tid, uint32_t pid,
                                   std::string* reason) const {
  const v1::ReplicaStatus* status = ReportedLocked(endpoint, tid, pid);
  if (status == nullptr || CanWrite(status->state())) return false;
  if (reason != nullptr) *reason = status->state_reason();
  return true;
}

std::vector<op::Op> NameServer::RecoverEndpointOpsLocked(const std::string& endpoint) const {
  std::vector<op::Op> ops;
  for (const auto& [name, table] : tables_) {
    if (table.state != TableState::kNormal) continue;
    for (const PartitionMeta& partition : table.partitions) {
      const ReplicaMeta* replica = partition.FindReplica(endpoint);
      if (replica == nullptr) continue;
      if (NeedsLeaderLocked(table, partition)) {
        ops.push_back(FailoverOp(table, partition.pid, {{"trigger", "recoverendpoint"}}));
      } else if (!replica->is_alive) {
        ops.push_back(RecoveryOp(table, partition.pid, endpoint, "recoverendpoint"));
      }
    }
  }
  return ops;
}

void NameServer::QueueRecoveryLocked(const std::string& endpoint) {
  for (const auto& [name, table] : tables_) {
    for (const PartitionMeta& partition : table.partitions) {
      const ReplicaMeta* replica = partition.FindReplica(endpoint);
      if (replica != nullptr && !replica->is_alive) recover_pending_.insert({name, partition.pid, endpoint});
    }
  }
}

void NameServer::SweepRepairsLocked(Clock::time_point now) {
  if (now - last_sweep_ < timing_.repair_sweep_interval) return;
  last_sweep_ = now;
  for (const auto& [endpoint, tablet] : tablets_) {
    if (tablet.meta.state == TabletState::kHealthy) QueueRecoveryLocked(endpoint);
  }
  for (const auto& [name, table] : tables_) {
    if (table.state != TableState::kNormal) continue;
    for (const PartitionMeta& partition : table.partitions) {
      if (!NeedsLeaderLocked(table, partition)) continue;
      const size_t usable = std::count_if(partition.replicas.begin(), partition.replicas.end(),
                                          [&](const ReplicaMeta& r) { return TabletHealthyLocked(r.endpoint); });
      if (usable >= partition.replicas.size() / 2 + 1) repairs_wanted_ = true;
    }
  }
  for (const auto& [name, pid, endpoint] : recover_pending_) {
    auto table = tables_.find(name);
    if (table == tables_.end() || table->second.state != TableState::kNormal) continue;
    if (pid < table->second.partitions.size() && !NeedsLeaderLocked(table->second, table->second.partitions[pid])) {
      repairs_wanted_ = true;
    }
  }
}

void NameServer::AutoRepairLocked() {
  if (!repairs_wanted_ || !active_ || !runner_) return;
  repairs_wanted_ = false;
  auto enabled = config_.Get("auto_failover");
  if (!enabled.ok() || *enabled != "true") return;  // recover_pending_ waits for it to be turned on
  // An op already holding the partition is the usual reason for a refusal:
  // it runs its course, and its successful end asks for another round.
  const auto submit = [&](op::Op op) {
    const std::string what = op.type + " for table " + op.table + " pid " + std::to_string(*op.pid);
    Result<uint64_t> id = SubmitLocked(*runner_, std::move(op));
    if (!id.ok()) spdlog::info("auto_failover: not submitting {}: {}", what, id.status().message());
    return id.ok();
  };
  for (const auto& [name, table] : tables_) {
    if (table.state != TableState::kNormal) continue;
    for (const PartitionMeta& partition : table.partitions) {
      if (NeedsLeaderLocked(table, partition)) submit(FailoverOp(table, partition.pid, {{"trigger", "auto_failover"}}));
    }
  }
  for (auto it = recover_pending_.begin(); it != recover_pending_.end();) {
    const auto& [name, pid, endpoint] = *it;
    auto table = tables_.find(name);
    const PartitionMeta* partition =
        table != tables_.end() && table->second.state == TableState::kNormal && pid < table->second.partitions.size()
            ? &table->second.partitions[pid]
            : nullptr;
    const ReplicaMeta* replica = partition ? partition->FindReplica(endpoint) : nullptr;
    if (replica == nullptr || replica->is_alive || !TabletHealthyLocked(endpoint)) {
      it = recover_pending_.erase(it);  // gone, or nothing to do any more
    } else if (NeedsLeaderLocked(table->second, *partition)) {
      ++it;  // after the failover
    } else if (CannotWriteLocked(endpoint, table->second.tid, pid)) {
      ++it;  // once its tablet reopened it (Partition::ReopenIfStopped), which the heartbeat tells
    } else if (submit(RecoveryOp(table->second, pid, endpoint, "auto_failover"))) {
      it = recover_pending_.erase(it);
    } else {
      ++it;
    }
  }
}

Result<std::vector<op::Op>> NameServer::ShowOpStatus(const op::OpFilter& filter) {
  std::shared_ptr<op::OpRunner> runner;
  {
    std::lock_guard lock(mu_);
    KV_ASSIGN_OR_RETURN(runner, RunnerLocked());
    if (filter.table) KV_RETURN_IF_ERROR(FindTableLocked(*filter.table).status());
  }
  return runner->List(filter);
}

Status NameServer::CancelOp(uint64_t id) {
  std::shared_ptr<op::OpRunner> runner;
  {
    std::lock_guard lock(mu_);
    KV_ASSIGN_OR_RETURN(runner, RunnerLocked());
  }
  return runner->Cancel(id);
}

Result<uint64_t> NameServer::ChangeLeader(const std::string& table, uint32_t pid, const std::string& candidate) {
  std::lock_guard lock(mu_);
  KV_ASSIGN_OR_RETURN(std::shared_ptr<op::OpRunner> runner, RunnerLocked());
  KV_ASSIGN_OR_RETURN(const PartitionMeta* partition, FindPartitionLocked(table, pid));
  nlohmann::json params = {{"trigger", "changeleader"}};
  if (!candidate.empty()) {
    if (partition->FindReplica(candidate) == nullptr) {
      return Status::NotFound("candidate " + candidate + " holds no replica of table " + table + " pid " +
                              std::to_string(pid));
    }
    if (!TabletHealthyLocked(candidate)) {
      return Status::FailedPrecondition("candidate " + candidate + " is not a healthy tablet (see showtablet)");
    }
    if (std::string why; CannotWriteLocked(candidate, tables_.at(table).tid, pid, &why)) {
      return Status::FailedPrecondition("candidate " + candidate + " cannot write (" + why +
                                        "); leave it out and the best replica that can write leads");
    }
    // Refused at once when the heartbeats already show a replica ahead of it;
    // kSelectLeader checks again with the answers it gets (invariant 6).
    const TableMeta& meta = tables_.at(table);
    std::vector<ReplicaPosition> reported;
    for (const ReplicaMeta& replica : partition->replicas) {
      if (!TabletHealthyLocked(replica.endpoint)) continue;
      const auto& seen = tablets_.at(replica.endpoint).reported;
      auto it = seen.find({meta.tid, pid});
      if (it == seen.end()) continue;
      reported.push_back({replica.endpoint, it->second.last_term(), it->second.last_offset()});
    }
    if (std::any_of(reported.begin(), reported.end(), [&](auto& p) { return p.endpoint == candidate; })) {
      const Status safe = ChooseLeader(reported, {}, candidate).status();
      // A refusal, not a malformed request (ops exits 1, not 2).
      if (!safe.ok()) return Status::FailedPrecondition(safe.message());
    }
    params["candidate"] = candidate;
  }
  return SubmitLocked(*runner, FailoverOp(tables_.at(table), pid, std::move(params)));
}

Result<uint64_t> NameServer::RecoverTable(const std::string& table, uint32_t pid, const std::string& endpoint) {
  std::lock_guard lock(mu_);
  KV_ASSIGN_OR_RETURN(std::shared_ptr<op::OpRunner> runner, RunnerLocked());
  KV_ASSIGN_OR_RETURN(const PartitionMeta* partition, FindPartitionLocked(table, pid));
  if (partition->FindReplica(endpoint) == nullptr) {
    return Status::NotFound(endpoint + " holds no replica of table " + table + " pid " + std::to_string(pid));
  }
  if (!TabletHealthyLocked(endpoint)) {
    return Status::FailedPrecondition("cannot recover onto " + endpoint +
                                      ": it is not a healthy tablet (see showtablet)");
  }
  if (partition->leader == endpoint) {
    return Status::FailedPrecondition(endpoint + " is the leader of table " + table + " pid " + std::to_string(pid) +
                                      "; use changeleader to move the leadership first");
  }
  if (!LeaderAlive(*partition)) {
    return Status::FailedPrecondition("table " + table + " pid " + std::to_string(pid) +
                                      " has no live leader to recover from; run changeleader first");
  }
  return SubmitLocked(*runner, RecoveryOp(tables_.at(table), pid, endpoint, "recovertable"));
}

Result<NameServer::Submitted> NameServer::UpdateTableAlive(const std::string& table, std::optional<uint32_t> pid,
                                                           const std::string& endpoint, bool is_alive) {
  std::lock_guard lock(mu_);
  KV_ASSIGN_OR_RETURN(std::shared_ptr<op::OpRunner> runner, RunnerLocked());
  KV_ASSIGN_OR_RETURN(const TableMeta* meta, FindTableLocked(table));
  if (pid) KV_RETURN_IF_ERROR(FindPartitionLocked(table, *pid).status());
  const bool holds = std::any_of(meta->partitions.begin(), meta->partitions.end(), [&](const PartitionMeta& p) {
    return (!pid || p.pid == *pid) && p.FindReplica(endpoint) != nullptr;
  });
  if (!holds)
    return Status::NotFound(endpoint + " holds no replica of table " + table +
                            (pid ? " pid " + std::to_string(*pid) : ""));
  Submitted out;
  KV_ASSIGN_OR_RETURN(uint64_t id,
                      SubmitLocked(*runner, AliveOp("kUpdateTableAliveOP", *meta, pid, endpoint, is_alive)));
  out.op_ids.push_back(id);
  return out;
}

Result<NameServer::Submitted> NameServer::OfflineEndpoint(const std::string& endpoint) {
  std::lock_guard lock(mu_);
  KV_ASSIGN_OR_RETURN(std::shared_ptr<op::OpRunner> runner, RunnerLocked());
  auto tablet = tablets_.find(endpoint);
  if (tablet == tablets_.end()) return Status::NotFound("no tablet " + endpoint + " (see showtablet)");
  // Taken out on purpose: auto_failover must not bring these replicas back,
  // not even after a nameserver restart, until recoverendpoint.
  KV_RETURN_IF_ERROR(SetTakenOfflineLocked(tablet->second, true));
  std::erase_if(recover_pending_, [&](const auto& entry) { return std::get<2>(entry) == endpoint; });
  Submitted out;
  for (const auto& [name, table] : tables_) {
    if (table.state != TableState::kNormal) continue;
    for (const PartitionMeta& partition : table.partitions) {
      if (partition.FindReplica(endpoint) == nullptr) continue;
      op::Op op = partition.leader == endpoint
                      ? FailoverOp(table, partition.pid, {{"trigger", "offlineendpoint"}, {"exclude", endpoint}})
                      : AliveOp("kOfflineReplicaOP", table, partition.pid, endpoint, false);
      Result<uint64_t> id = SubmitLocked(*runner, std::move(op));
      if (id.ok()) {
        out.op_ids.push_back(*id);
      } else {
        out.refused.push_back(PartitionName(table, partition.pid) + ": " + id.status().message());
      }
    }
  }
  return out;
}

Result<NameServer::Submitted> NameServer::RecoverEndpoint(const std::string& endpoint) {
  std::lock_guard lock(mu_);
  KV_ASSIGN_OR_RETURN(std::shared_ptr<op::OpRunner> runner, RunnerLocked());
  auto tablet = tablets_.find(endpoint);
  if (tablet == tablets_.end()) return Status::NotFound("no tablet " + endpoint + " (see showtablet)");
  if (tablet->second.meta.state != TabletState::kHealthy) {
    return Status::FailedPrecondition("cannot recover onto " + endpoint +
                                      ": it is not a healthy tablet (see showtablet)");
  }
  KV_RETURN_IF_ERROR(SetTakenOfflineLocked(tablet->second, false));
  Submitted out;
  for (op::Op& op : RecoverEndpointOpsLocked(endpoint)) {
    const std::string where = "table " + op.table + " pid " + std::to_string(*op.pid);
    Result<uint64_t> id = SubmitLocked(*runner, std::move(op));
    if (id.ok()) {
      out.op_ids.push_back(*id);
    } else {
      out.refused.push_back(where + ": " + id.status().message());
    }
  }
  return out;
}

}  // namespace kv::ns
