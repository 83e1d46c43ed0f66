// The task functions that add, move and remove replicas (README.md "Ops":
// kReAddReplicaOP, kAddReplicaOP, kDelReplicaOP, kMigrateOP). Catching up
// reuses kAddFollower and kWaitCatchUp (nameserver_op_tasks.cc), a leader
// change inside kMigrateOP reuses kChangeLeaderOP's tasks. Same rules as
// there: idempotent, mu_ only around metadata, decisions in ctx.params.
//
// Params: "endpoint" is the replica being added (kSelectTarget decides it, or
// checks a given "target"), "remove" the one being removed (given, or decided
// by kSelectRemoval), "dead" the replica a re-add replaces.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "cluster/nameserver/nameserver.h"

namespace kv::ns {

namespace {

std::string Where(const op::Op& op) { return "table " + op.table + " pid " + std::to_string(op.pid.value_or(0)); }

v1::PartitionId IdOf(const op::Op& op) {
  v1::PartitionId id;
  id.set_tid(op.tid);
  id.set_pid(*op.pid);
  return id;
}

}  // namespace

Status NameServer::SelectTargetTask(op::TaskContext& ctx) {
  std::lock_guard lock(mu_);
  KV_ASSIGN_OR_RETURN(const TableMeta* table, OpTableLocked(ctx.op));
  const PartitionMeta& partition = table->partitions.at(ctx.op.pid.value());
  const ReplicaMeta* leader = partition.FindReplica(partition.leader);
  if (leader == nullptr || !leader->is_alive || !TabletHealthyLocked(partition.leader)) {
    return Status::Busy(Where(ctx.op) + " has no live leader to copy from");
  }
  std::string target;
  if (ctx.params.contains("target")) {
    target = ctx.params.at("target").get<std::string>();
    if (partition.FindReplica(target) != nullptr) {
      return Status::InvalidArgument(target + " already holds a replica of " + Where(ctx.op));
    }
    if (!TabletHealthyLocked(target)) return Status::InvalidArgument(target + " is not a healthy tablet");
  } else {
    target = LeastLoadedTargetLocked(partition);
    if (target.empty()) {
      return Status::InvalidArgument("no healthy tablet without a replica of " + Where(ctx.op) +
                                     " is left to place one on");
    }
  }
  ctx.params["endpoint"] = target;
  ctx.params["term"] = partition.term;
  ctx.params["leader"] = partition.leader;
  spdlog::info("op {}: {}: new replica on {}, copying from {} at term {}", ctx.op.id, Where(ctx.op), target,
               partition.leader, partition.term);
  return Status::OK();
}

Status NameServer::CreateReplicaTask(op::TaskContext& ctx) {
  const std::string endpoint = ctx.params.at("endpoint").get<std::string>();
  const uint64_t term = ctx.params.at("term").get<uint64_t>();
  KV_ASSIGN_OR_RETURN(TableMeta table, OpTable(ctx.op));
  const PartitionMeta& partition = table.partitions[*ctx.op.pid];
  if (partition.term != term) {
    return Status::InvalidArgument(Where(ctx.op) + " moved to term " + std::to_string(partition.term) +
                                   " while its new replica was placed: submit again");
  }
  // A follower at the current term, empty: it catches up from the leader's
  // WAL once kAddFollower names it. A rerun finds it and only retakes the role.
  return tablets_client_.CreateReplica(endpoint, BaseSpec(table, partition.pid, v1::FOLLOWER, term));
}

Status NameServer::AddReplicaMetaTask(op::TaskContext& ctx) {
  const std::string endpoint = ctx.params.at("endpoint").get<std::string>();
  const uint64_t term = ctx.params.at("term").get<uint64_t>();
  const std::string leader = ctx.params.at("leader").get<std::string>();
  const std::optional<std::string> dead =
      ctx.params.contains("dead") ? std::optional(ctx.params.at("dead").get<std::string>()) : std::nullopt;
  return ChangePartition(ctx.op, true, [&](PartitionMeta& p) {
    if (p.term != term || p.leader != leader) {
      return Status::InvalidArgument(Where(ctx.op) + " changed leader or term while " + endpoint +
                                     " caught up: submit again");
    }
    auto found = std::find_if(p.replicas.begin(), p.replicas.end(), [&](auto& r) { return r.endpoint == endpoint; });
    if (found == p.replicas.end()) {
      p.replicas.push_back({.endpoint = endpoint, .role = v1::FOLLOWER, .is_alive = true});
    } else {
      found->is_alive = true;
    }
    if (dead) {
      // Its files stay on the dead tablet; if it comes back, the leftover is
      // dropped with keep_data (QueueLeftoversLocked), never served.
      std::erase_if(p.replicas, [&](const ReplicaMeta& r) { return r.endpoint == *dead && !r.is_alive; });
      // Back already (its leftovers were looked for while it was still
      // listed here): this one is a leftover now. ChangePartition holds mu_.
      if (TabletHealthyLocked(*dead)) leftover_pending_.insert({ctx.op.table, p.pid, *dead});
    }
    spdlog::info("op {}: {}: {} caught up and recorded{}", ctx.op.id, Where(ctx.op), endpoint,
                 dead ? ", replacing " + *dead : std::string());
    return Status::OK();
  });
}

Status NameServer::SelectRemovalTask(op::TaskContext& ctx) {
  std::lock_guard lock(mu_);
  KV_ASSIGN_OR_RETURN(const TableMeta* table, OpTableLocked(ctx.op));
  const PartitionMeta& partition = table->partitions.at(ctx.op.pid.value());
  // A not-alive follower first (nothing is lost), then the follower on the
  // most loaded tablet; never the leader.
  const ReplicaMeta* chosen = nullptr;
  for (const ReplicaMeta& r : partition.replicas) {
    if (r.endpoint == partition.leader) continue;
    const auto rank = [&](const ReplicaMeta& x) { return std::tuple(!x.is_alive, ReplicaLoadLocked(x.endpoint)); };
    if (chosen == nullptr || rank(r) > rank(*chosen)) chosen = &r;
  }
  if (chosen == nullptr) return Status::InvalidArgument(Where(ctx.op) + " has no follower left to remove");
  ctx.params["remove"] = chosen->endpoint;
  return Status::OK();
}

Status NameServer::RemoveFollowerTask(op::TaskContext& ctx) {
  const std::string remove = ctx.params.at("remove").get<std::string>();
  KV_ASSIGN_OR_RETURN(TableMeta table, OpTable(ctx.op));
  const PartitionMeta& partition = table.partitions[*ctx.op.pid];
  if (partition.leader == remove) {
    return Status::InvalidArgument(remove + " leads " + Where(ctx.op) + ": move the leadership first (changeleader)");
  }
  {
    std::lock_guard lock(mu_);
    const ReplicaMeta* leader = partition.FindReplica(partition.leader);
    if (leader == nullptr || !leader->is_alive || !TabletHealthyLocked(partition.leader)) {
      return Status::Busy(Where(ctx.op) + " has no live leader to tell");
    }
  }
  // The leader stops replicating to it before it goes: from here on its
  // acks no longer count towards a majority (invariant 5).
  v1::ReplicaSpec spec = BaseSpec(table, partition.pid, v1::LEADER, partition.term);
  for (const ReplicaMeta& r : partition.replicas) {
    if (r.endpoint != partition.leader && r.endpoint != remove && r.is_alive) spec.add_followers(r.endpoint);
  }
  return tablets_client_.ChangeRole(partition.leader, spec).status();
}

Status NameServer::DropReplicaTask(op::TaskContext& ctx) {
  const std::string remove = ctx.params.at("remove").get<std::string>();
  const bool leftover = ctx.params.value("leftover", false);
  if (leftover) {
    KV_ASSIGN_OR_RETURN(TableMeta table, OpTable(ctx.op));
    if (table.partitions[*ctx.op.pid].FindReplica(remove) != nullptr) {
      return Status::InvalidArgument(remove + " holds a replica of " + Where(ctx.op) +
                                     " again: it is not a leftover any more");
    }
  }
  // keep_data: the tablet moves the folder to quarantine; nothing is deleted.
  const Status dropped = tablets_client_.DropReplica(remove, IdOf(ctx.op), /*keep_data=*/true);
  if (dropped.code() == Status::Code::kNotFound) return Status::OK();  // already gone: a rerun
  if (dropped.ok()) spdlog::info("op {}: {}: replica on {} dropped (kept in quarantine)", ctx.op.id, Where(ctx.op), remove);
  return dropped;
}

Status NameServer::RemoveReplicaMetaTask(op::TaskContext& ctx) {
  const std::string remove = ctx.params.at("remove").get<std::string>();
  return ChangePartition(ctx.op, true, [&](PartitionMeta& p) {
    if (p.leader == remove) return Status::InvalidArgument(remove + " leads " + Where(ctx.op) + " again");
    std::erase_if(p.replicas, [&](const ReplicaMeta& r) { return r.endpoint == remove; });
    return Status::OK();
  });
}

}  // namespace kv::ns
