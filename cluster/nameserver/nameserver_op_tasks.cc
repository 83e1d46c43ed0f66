// The task functions of the nameserver's ops (README.md "Ops"). Each is
// idempotent (a resumed op runs a task that was running again), bounded by
// the tablet RPC deadline or its own, and takes mu_ only around metadata.
// What a task decides (the term, the leader, the target offset) goes into
// ctx.params, persisted with its kDone, so a resumed op never decides again.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

#include "cluster/nameserver/leader_choice.h"
#include "cluster/nameserver/nameserver.h"
#include "cluster/nameserver/tablet_fanout.h"

namespace kv::ns {

namespace {

// How long kWaitCatchUp waits in one attempt, and how often it asks.
constexpr auto kCatchUpPoll = std::chrono::milliseconds(50);

std::string Where(const op::Op& op) { return "table " + op.table + " pid " + std::to_string(op.pid.value_or(0)); }

std::optional<std::string> OptionalParam(const nlohmann::json& params, const char* key) {
  if (!params.contains(key)) return std::nullopt;
  return params.at(key).get<std::string>();
}

ReplicaMeta* FindReplica(PartitionMeta& partition, const std::string& endpoint) {
  for (ReplicaMeta& replica : partition.replicas) {
    if (replica.endpoint == endpoint) return &replica;
  }
  return nullptr;
}

// The partition moved on (another op, or an operator) while this op ran:
// retrying cannot help, the op's decision is void.
Status CheckTerm(const op::Op& op, const PartitionMeta& partition, uint64_t term) {
  if (partition.term == term) return Status::OK();
  return Status::InvalidArgument(Where(op) + " is at term " + std::to_string(partition.term) + ", not " +
                                 std::to_string(term) + " as this op expected: something else changed it");
}

}  // namespace

Status NameServer::RunOpTask(op::TaskContext& ctx) {
  const std::string& type = ctx.op.tasks[ctx.task_index].type;
  if (ctx.params.is_null()) ctx.params = nlohmann::json::object();
  try {
    if (type == "kAllocateTerm") return AllocateTermTask(ctx);
    if (type == "kSelectLeader") return SelectLeaderTask(ctx);
    if (type == "kChangeLeader") return ChangeLeaderTask(ctx);
    if (type == "kUpdateLeaderInfo") return UpdateLeaderInfoTask(ctx);
    if (type == "kFollowLeader") return FollowLeaderTask(ctx);
    if (type == "kAddFollower") return AddFollowerTask(ctx);
    if (type == "kWaitCatchUp") return WaitCatchUpTask(ctx);
    if (type == "kMarkRecovered") return MarkRecoveredTask(ctx);
    if (type == "kUpdateTableAlive") return UpdateTableAliveTask(ctx);
    if (type == "kSelectTarget") return SelectTargetTask(ctx);
    if (type == "kCreateReplica") return CreateReplicaTask(ctx);
    if (type == "kAddReplicaMeta") return AddReplicaMetaTask(ctx);
    if (type == "kSelectRemoval") return SelectRemovalTask(ctx);
    if (type == "kRemoveFollower") return RemoveFollowerTask(ctx);
    if (type == "kDropReplica") return DropReplicaTask(ctx);
    if (type == "kRemoveReplicaMeta") return RemoveReplicaMetaTask(ctx);
    if (type == "kFenceTerm") return FenceTermTask(ctx);
  } catch (const nlohmann::json::exception& e) {
    // A param missing or of the wrong type: a damaged op, not worth a retry.
    return Status::InvalidArgument("op " + std::to_string(ctx.op.id) + " task " + type + ": bad params: " + e.what());
  }
  return Status::InvalidArgument("op " + std::to_string(ctx.op.id) + ": unknown task type " + type);
}

Result<const TableMeta*> NameServer::OpTableLocked(const op::Op& op) const {
  KV_RETURN_IF_ERROR(CheckActiveLocked());
  auto it = tables_.find(op.table);
  if (it == tables_.end() || it->second.tid != op.tid) {
    return Status::InvalidArgument("table " + op.table + " (tid " + std::to_string(op.tid) + ") no longer exists");
  }
  if (op.pid && *op.pid >= it->second.partitions.size()) {
    return Status::InvalidArgument(Where(op) + " does not exist");
  }
  return &it->second;
}

Result<TableMeta> NameServer::OpTable(const op::Op& op) const {
  std::lock_guard lock(mu_);
  KV_ASSIGN_OR_RETURN(const TableMeta* table, OpTableLocked(op));
  return *table;
}

Status NameServer::ChangeTable(const op::Op& op, bool repairs_after, const std::function<Status(TableMeta&)>& change) {
  std::lock_guard lock(mu_);
  KV_ASSIGN_OR_RETURN(const TableMeta* current, OpTableLocked(op));
  TableMeta updated = *current;
  KV_RETURN_IF_ERROR(change(updated));
  KV_RETURN_IF_ERROR(PersistedLocked(repository_.SaveTable(updated)));
  tables_[op.table] = std::move(updated);
  if (repairs_after) repairs_wanted_ = true;
  return Status::OK();
}

Status NameServer::ChangePartition(const op::Op& op, bool repairs_after,
                                   const std::function<Status(PartitionMeta&)>& change) {
  return ChangeTable(op, repairs_after, [&](TableMeta& table) {
    if (!op.pid || *op.pid >= table.partitions.size()) return Status::InvalidArgument(Where(op) + " does not exist");
    return change(table.partitions[*op.pid]);
  });
}

// --- kChangeLeaderOP: kAllocateTerm, kSelectLeader, kChangeLeader, kUpdateLeaderInfo.

Status NameServer::AllocateTermTask(op::TaskContext& ctx) {
  // Only the nameserver makes terms: +1, persisted before any tablet hears of
  // it. The partition has no leader until kUpdateLeaderInfo names one (no
  // lease is granted meanwhile). A rerun takes another term: terms may skip.
  uint64_t term = 0;
  KV_RETURN_IF_ERROR(ChangePartition(ctx.op, false, [&](PartitionMeta& p) {
    term = ++p.term;
    p.leader.clear();
    return Status::OK();
  }));
  ctx.params["term"] = term;
  spdlog::info("op {}: {} now at term {}, choosing a leader", ctx.op.id, Where(ctx.op), term);
  return Status::OK();
}

std::vector<NameServer::FenceAnswer> NameServer::FenceReplicas(const TableMeta& table, const PartitionMeta& partition,
                                                              uint64_t term) {
  std::vector<FenceAnswer> answers;
  {
    std::lock_guard lock(mu_);
    for (const ReplicaMeta& r : partition.replicas) {
      if (TabletHealthyLocked(r.endpoint)) answers.push_back({.endpoint = r.endpoint});
    }
  }
  // Following at the new term fences every replica that answers (invariant
  // 3): from here on an older leader cannot add to their logs. Their answers
  // carry the logs' last (term, offset).
  const v1::ReplicaSpec spec = BaseSpec(table, partition.pid, v1::FOLLOWER, term);
  std::vector<TabletCall> calls;
  for (FenceAnswer& a : answers) {
    calls.push_back({a.endpoint, [&]() -> Status {
                       KV_ASSIGN_OR_RETURN(a.response, tablets_client_.ChangeRole(a.endpoint, spec));
                       return Status::OK();
                     }});
  }
  const std::vector<Status> outcomes = RunPerTablet(calls);
  for (size_t i = 0; i < answers.size(); ++i) answers[i].status = outcomes[i];
  return answers;
}

Status NameServer::SelectLeaderTask(op::TaskContext& ctx) {
  const uint64_t term = ctx.params.at("term").get<uint64_t>();
  KV_ASSIGN_OR_RETURN(TableMeta table, OpTable(ctx.op));
  const PartitionMeta& partition = table.partitions[*ctx.op.pid];
  KV_RETURN_IF_ERROR(CheckTerm(ctx.op, partition, term));
  std::vector<ReplicaPosition> positions;
  std::string failures;
  // Replicas that cannot write: out of the new leader's followers, and
  // recovered (kRecoverTableOP) once their tablet reopened them.
  nlohmann::json stopped = nlohmann::json::array();
  for (const FenceAnswer& a : FenceReplicas(table, partition, term)) {
    if (a.status.ok()) {
      positions.push_back({a.endpoint, a.response.last_term(), a.response.last_offset(), CanWrite(a.response.state())});
      if (!positions.back().can_write) {
        spdlog::warn("op {}: {}: {} cannot write, so it will not lead: {}", ctx.op.id, Where(ctx.op), a.endpoint,
                     a.response.state_reason());
        stopped.push_back(a.endpoint);
      }
    } else {
      failures += "; " + a.status.message();
      std::lock_guard lock(mu_);
      if (CannotWriteLocked(a.endpoint, table.tid, partition.pid)) stopped.push_back(a.endpoint);
    }
  }
  const size_t majority = partition.replicas.size() / 2 + 1;
  if (positions.size() < majority) {
    // Invariant 5/6: without a majority the best log seen may lack acknowledged writes.
    Status leaderless =
        Status::Busy("only " + std::to_string(positions.size()) + " of " + std::to_string(partition.replicas.size()) +
                     " replicas answered; a majority (" + std::to_string(majority) +
                     ") is needed to choose a leader safely: " + Where(ctx.op) +
                     " stays leaderless until more tablets are back" + failures);
    spdlog::warn("op {}: {}", ctx.op.id, leaderless.message());
    return leaderless;
  }
  std::vector<std::string> excluded;
  if (auto exclude = OptionalParam(ctx.params, "exclude")) excluded.push_back(*exclude);
  KV_ASSIGN_OR_RETURN(std::string leader, ChooseLeader(positions, excluded, OptionalParam(ctx.params, "candidate")));
  nlohmann::json followers = nlohmann::json::array();
  for (const ReplicaPosition& p : positions) {
    if (p.endpoint != leader && p.can_write &&
        std::find(excluded.begin(), excluded.end(), p.endpoint) == excluded.end()) {
      followers.push_back(p.endpoint);
    }
  }
  ctx.params["leader"] = leader;
  ctx.params["followers"] = followers;
  ctx.params["stopped"] = stopped;
  spdlog::info("op {}: {} term {}: {} leads ({} of {} replicas answered)", ctx.op.id, Where(ctx.op), term, leader,
               positions.size(), partition.replicas.size());
  return Status::OK();
}

Status NameServer::ChangeLeaderTask(op::TaskContext& ctx) {
  const uint64_t term = ctx.params.at("term").get<uint64_t>();
  const std::string leader = ctx.params.at("leader").get<std::string>();
  KV_ASSIGN_OR_RETURN(TableMeta table, OpTable(ctx.op));
  KV_RETURN_IF_ERROR(CheckTerm(ctx.op, table.partitions[*ctx.op.pid], term));
  v1::ReplicaSpec spec = BaseSpec(table, *ctx.op.pid, v1::LEADER, term);
  for (const auto& f : ctx.params.at("followers")) spec.add_followers(f.get<std::string>());
  return tablets_client_.ChangeRole(leader, spec).status();
}

Status NameServer::UpdateLeaderInfoTask(op::TaskContext& ctx) {
  const uint64_t term = ctx.params.at("term").get<uint64_t>();
  const std::string leader = ctx.params.at("leader").get<std::string>();
  const std::optional<std::string> excluded = OptionalParam(ctx.params, "exclude");
  std::vector<std::string> stopped;
  if (ctx.params.contains("stopped")) stopped = ctx.params.at("stopped").get<std::vector<std::string>>();
  return ChangePartition(ctx.op, true, [&](PartitionMeta& p) {
    KV_RETURN_IF_ERROR(CheckTerm(ctx.op, p, term));
    p.leader = leader;
    for (ReplicaMeta& r : p.replicas) {
      r.role = r.endpoint == leader ? v1::LEADER : v1::FOLLOWER;
      // Followers that were not alive stay so until a recovery checks they caught up.
      if (r.endpoint == leader) r.is_alive = true;
      if (excluded && r.endpoint == *excluded) r.is_alive = false;
      // A replica that cannot write is no follower of the new leader: recovered
      // (auto_failover) once its tablet reports it reopened.
      if (std::find(stopped.begin(), stopped.end(), r.endpoint) != stopped.end()) {
        r.is_alive = false;
        recover_pending_.insert({ctx.op.table, p.pid, r.endpoint});
      }
    }
    spdlog::info("op {}: {} term {}: leader {}", ctx.op.id, Where(ctx.op), term, leader);
    return Status::OK();
  });
}

// --- kRecoverTableOP: kFollowLeader, kAddFollower, kWaitCatchUp, kMarkRecovered.

Status NameServer::FollowLeaderTask(op::TaskContext& ctx) {
  const std::string endpoint = ctx.params.at("endpoint").get<std::string>();
  KV_ASSIGN_OR_RETURN(TableMeta table, OpTable(ctx.op));
  const PartitionMeta& partition = table.partitions[*ctx.op.pid];
  {
    std::lock_guard lock(mu_);
    const ReplicaMeta* leader = partition.FindReplica(partition.leader);
    if (leader == nullptr || !leader->is_alive || !TabletHealthyLocked(partition.leader)) {
      return Status::Busy(Where(ctx.op) + " has no live leader to recover from");
    }
    if (!TabletHealthyLocked(endpoint)) return Status::Busy(endpoint + " is not a healthy tablet");
  }
  if (partition.leader == endpoint) {
    return Status::InvalidArgument(endpoint + " leads " + Where(ctx.op) + ": nothing to recover");
  }
  // At the current term: the tablet cuts a divergent suffix into quarantine
  // and catches up from the leader (invariant 2).
  KV_RETURN_IF_ERROR(
      tablets_client_.ChangeRole(endpoint, BaseSpec(table, partition.pid, v1::FOLLOWER, partition.term)).status());
  ctx.params["term"] = partition.term;
  ctx.params["leader"] = partition.leader;
  return Status::OK();
}

Status NameServer::AddFollowerTask(op::TaskContext& ctx) {
  const std::string endpoint = ctx.params.at("endpoint").get<std::string>();
  const uint64_t term = ctx.params.at("term").get<uint64_t>();
  const std::string leader = ctx.params.at("leader").get<std::string>();
  KV_ASSIGN_OR_RETURN(TableMeta table, OpTable(ctx.op));
  const PartitionMeta& partition = table.partitions[*ctx.op.pid];
  KV_RETURN_IF_ERROR(CheckTerm(ctx.op, partition, term));
  if (partition.leader != leader) {
    return Status::InvalidArgument(Where(ctx.op) + " is now led by " + partition.leader + ", not " + leader);
  }
  // The leader at the SAME term, told its followers again (it keeps the
  // progress of those it already had).
  v1::ReplicaSpec spec = BaseSpec(table, partition.pid, v1::LEADER, term);
  for (const ReplicaMeta& r : partition.replicas) {
    if (r.endpoint != leader && (r.is_alive || r.endpoint == endpoint)) spec.add_followers(r.endpoint);
  }
  // A replica being added (kReAddReplicaOP, kAddReplicaOP, kMigrateOP) is not
  // in the metadata until it caught up.
  if (partition.FindReplica(endpoint) == nullptr) spec.add_followers(endpoint);
  KV_RETURN_IF_ERROR(tablets_client_.ChangeRole(leader, spec).status());
  KV_ASSIGN_OR_RETURN(v1::ReplicaStatus status, tablets_client_.GetStatus(leader, spec.partition()));
  if (status.role() != v1::LEADER || status.term() != term) {
    return Status::IOError(leader + " does not lead " + Where(ctx.op) + " at term " + std::to_string(term));
  }
  ctx.params["target_offset"] = status.last_offset();
  return Status::OK();
}

Status NameServer::WaitCatchUpTask(op::TaskContext& ctx) {
  const std::string endpoint = ctx.params.at("endpoint").get<std::string>();
  const uint64_t term = ctx.params.at("term").get<uint64_t>();
  const std::string leader = ctx.params.at("leader").get<std::string>();
  const uint64_t target = ctx.params.at("target_offset").get<uint64_t>();
  v1::PartitionId id;
  id.set_tid(ctx.op.tid);
  id.set_pid(*ctx.op.pid);
  const auto deadline = std::chrono::steady_clock::now() + timing_.catch_up_timeout;
  uint64_t match = 0;
  bool needs_snapshot = false;  // the leader is sending it a snapshot: transient, so keep waiting
  while (!ctx.should_stop()) {
    KV_ASSIGN_OR_RETURN(v1::ReplicaStatus status, tablets_client_.GetStatus(leader, id));
    if (status.role() != v1::LEADER || status.term() != term) {
      return Status::InvalidArgument(leader + " no longer leads " + Where(ctx.op) + " at term " + std::to_string(term) +
                                     ": run recovertable again");
    }
    for (const v1::FollowerProgress& f : status.followers()) {
      if (f.endpoint() != endpoint) continue;
      if (f.needs_snapshot() && !needs_snapshot) {
        spdlog::info("op {}: {}: {} is behind {}'s WAL; waiting while the leader sends it a snapshot", ctx.op.id,
                     Where(ctx.op), endpoint, leader);
      }
      needs_snapshot = f.needs_snapshot();
      match = f.match_offset();
    }
    if (match >= target) return Status::OK();
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(kCatchUpPoll);
  }
  const std::string why =
      needs_snapshot ? " (it still needs a snapshot: the leader's WAL no longer holds what it lacks; see the leader's "
                       "tablet.log for the transfer)"
                     : "";
  return Status::IOError(endpoint + " has not caught up with " + leader + " in " +
                         std::to_string(timing_.catch_up_timeout.count()) + " ms: match offset " +
                         std::to_string(match) + " of " + std::to_string(target) + why);
}

Status NameServer::MarkRecoveredTask(op::TaskContext& ctx) {
  const std::string endpoint = ctx.params.at("endpoint").get<std::string>();
  const uint64_t term = ctx.params.at("term").get<uint64_t>();
  const std::string leader = ctx.params.at("leader").get<std::string>();
  return ChangePartition(ctx.op, true, [&](PartitionMeta& p) {
    KV_RETURN_IF_ERROR(CheckTerm(ctx.op, p, term));
    ReplicaMeta* replica = FindReplica(p, endpoint);
    if (p.leader != leader || replica == nullptr) {
      return Status::InvalidArgument(Where(ctx.op) + " changed while " + endpoint + " was recovered");
    }
    replica->role = v1::FOLLOWER;
    replica->is_alive = true;
    spdlog::info("op {}: {}: {} recovered, following {} at term {}", ctx.op.id, Where(ctx.op), endpoint, leader, term);
    return Status::OK();
  });
}

// --- kUpdateTableAliveOP and kOfflineReplicaOP: kUpdateTableAlive.

Status NameServer::UpdateTableAliveTask(op::TaskContext& ctx) {
  const std::string endpoint = ctx.params.at("endpoint").get<std::string>();
  const bool is_alive = ctx.params.at("is_alive").get<bool>();
  return ChangeTable(ctx.op, true, [&](TableMeta& table) {
    for (PartitionMeta& p : table.partitions) {
      if (ctx.op.pid && p.pid != *ctx.op.pid) continue;
      if (ReplicaMeta* replica = FindReplica(p, endpoint)) replica->is_alive = is_alive;
    }
    return Status::OK();
  });
}

}  // namespace kv::ns
