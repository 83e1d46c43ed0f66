// `ops recoverdata apply` in the nameserver (docs/recoverdata.md; README.md
// "Recovery record"): the recovery record, one kRecoverDataOP per partition,
// and kFenceTerm, the one task of its own (the others are kChangeLeaderOP's,
// kRecoverTableOP's and kAddReplicaOP's, op_kinds.cc).
#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "cluster/nameserver/leader_choice.h"
#include "cluster/nameserver/nameserver.h"
#include "cluster/nameserver/op_kinds.h"
#include "wal/durability.h"

namespace kv::ns {

namespace {

std::string Where(const std::string& table, uint32_t pid) { return "table " + table + " pid " + std::to_string(pid); }

// The endpoints a partition's plan names, each once, the leader first.
Status CheckPartitionPlan(const v1::RecoverDataPartition& p) {
  const std::string where = Where(p.table(), p.pid());
  if (p.leader().empty()) return Status::InvalidArgument(where + ": the plan names no leader");
  if (p.create_empty() && (p.leader_last_term() != 0 || p.leader_last_offset() != 0 || p.repair_leader() ||
                           !p.adopt_folder().empty())) {
    return Status::InvalidArgument(where + ": a partition created empty has no log to keep, copy or repair");
  }
  if (p.adopt_from().empty() != p.adopt_folder().empty() || p.adopt_from() == p.leader()) {
    return Status::InvalidArgument(where + ": a replica to copy needs the tablet it was on and its folder, and "
                                           "another tablet to lead");
  }
  std::set<std::string> named = {p.leader()};
  if (!p.adopt_from().empty()) named.insert(p.adopt_from());
  for (const auto* list : {&p.catch_up(), &p.rebuild(), &p.replace()}) {
    for (const std::string& endpoint : *list) {
      if (!named.insert(endpoint).second) {
        return Status::InvalidArgument(where + ": the plan names " + endpoint + " twice");
      }
    }
  }
  return Status::OK();
}

// A config value; a key with a default is always there (cluster_config.h).
std::string ConfigValue(const ClusterConfig& config, const std::string& key) {
  Result<std::string> value = config.Get(key);
  return value.ok() ? *value : "";
}

// Submitted by the nameserver itself (auto_failover, re-replication,
// leftovers, auto_balance), not by an operator's command.
bool IsAutomatic(const op::Op& op) {
  const std::string trigger = op.params.value("trigger", "");
  return trigger == "auto_failover" || trigger == "replica_down_timeout" || trigger == "leftover" ||
         trigger == "balance";
}

v1::RecoveryInfo ToInfo(const RecoveryRecord& r) {
  v1::RecoveryInfo info;
  info.set_plan_id(r.plan_id);
  info.set_fingerprint(r.fingerprint);
  for (uint64_t id : r.op_ids) info.add_op_ids(id);
  info.set_auto_failover_before(r.auto_failover_before);
  info.set_started_ms(r.started_ms);
  info.set_finished_ms(r.finished_ms);
  return info;
}

}  // namespace

Result<NameServer::Submitted> NameServer::RecoverData(const v1::RecoverDataRequest& request) {
  std::lock_guard lock(mu_);
  KV_ASSIGN_OR_RETURN(std::shared_ptr<op::OpRunner> runner, RunnerLocked());
  const std::string& plan_id = request.plan_id();
  KV_RETURN_IF_ERROR(FinishedRecoveryKey(plan_id).status());
  if (recovery_ && recovery_->plan_id != plan_id) {
    // One recovery at a time: two plans over the same partitions would fence each other's leaders.
    return Status::FailedPrecondition("recovery " + recovery_->plan_id + " is under way (" +
                                      std::to_string(recovery_->op_ids.size()) +
                                      " ops; showopstatus): one recovery at a time; wait for it to finish");
  }
  // Checked whole before anything is written: a bad request changes nothing.
  for (const v1::RecoverDataPartition& p : request.partitions()) {
    KV_RETURN_IF_ERROR(CheckPartitionPlan(p));
    KV_RETURN_IF_ERROR(FindPartitionLocked(p.table(), p.pid()).status());
    if (tables_.at(p.table()).tid != p.tid()) {
      return Status::InvalidArgument("table " + p.table() + " has tid " + std::to_string(tables_.at(p.table()).tid) +
                                     ", the plan says " + std::to_string(p.tid()) + ": a plan of another table");
    }
  }
  // Partitions this plan's ops already cover (a resumed apply, or a nameserver
  // that died between submitting an op and recording it): the newest op of
  // the plan on each, unless it failed or was canceled, when the partition is
  // submitted again (its kFenceTerm refuses if the plan went stale meanwhile).
  KV_ASSIGN_OR_RETURN(std::vector<op::Op> existing, runner->List());
  std::map<std::pair<std::string, uint32_t>, const op::Op*> newest;
  for (const op::Op& op : existing) {  // by id: the newest last
    if (op.type == "kRecoverDataOP" && op.pid && op.params.value("plan_id", "") == plan_id) {
      newest[{op.table, *op.pid}] = &op;
    }
  }
  std::map<std::pair<std::string, uint32_t>, uint64_t> covered;
  for (const auto& [key, op] : newest) {
    if (op->status != op::OpStatus::kFailed && op->status != op::OpStatus::kCanceled) covered[key] = op->id;
  }
  Submitted out;
  std::vector<const v1::RecoverDataPartition*> missing;
  for (const v1::RecoverDataPartition& p : request.partitions()) {
    auto it = covered.find({p.table(), p.pid()});
    if (it != covered.end()) {
      out.op_ids.push_back(it->second);
      out.resumed = true;
    } else {
      missing.push_back(&p);
    }
  }
  if (missing.empty()) return out;
  if (!recovery_) {
    // The record first, with auto_failover as it is: whatever happens next,
    // the nameserver that finishes the record restores it.
    RecoveryRecord record{.plan_id = plan_id,
                          .fingerprint = request.fingerprint(),
                          .auto_failover_before = ConfigValue(config_, "auto_failover"),
                          .started_ms = static_cast<int64_t>(WallClockMs())};
    KV_RETURN_IF_ERROR(PersistedLocked(repository_.SaveRecovery(record)));
    recovery_ = record;
    if (record.auto_failover_before == "true") {
      // Off while the recovery runs: its ops choose the leaders, not auto_failover.
      KV_RETURN_IF_ERROR(PersistedLocked(repository_.SaveConfig("auto_failover", "false")));
      config_.Set("auto_failover", "false");
    }
    spdlog::info("recovery {}: started, auto_failover off until it finishes (was {})", plan_id,
                 record.auto_failover_before);
  }
  RecoveryRecord updated = *recovery_;
  for (const v1::RecoverDataPartition* p : missing) {
    const TableMeta& table = tables_.at(p->table());
    // The recovery takes over from what auto_failover, re-replication or the
    // balancer started on the partition (a failover waiting for a majority
    // that is not coming); an operator's own op is left alone (refused below).
    for (const op::Op& op : existing) {
      if (op::IsFinal(op.status) || op.table != p->table() || (op.pid && *op.pid != p->pid())) continue;
      if (!IsAutomatic(op)) continue;
      const Status canceled = runner->Cancel(op.id, "canceled by recovery " + plan_id + ", which takes over");
      if (canceled.ok()) spdlog::info("recovery {}: canceled op {} ({})", plan_id, op.id, op.type);
    }
    Result<uint64_t> id = SubmitLocked(*runner, RecoverDataOp(table, *p, plan_id));
    if (id.ok()) {
      out.op_ids.push_back(*id);
      updated.op_ids.push_back(*id);
    } else {
      out.refused.push_back(Where(p->table(), p->pid()) + ": " + id.status().message());
    }
  }
  KV_RETURN_IF_ERROR(PersistedLocked(repository_.SaveRecovery(updated)));
  recovery_ = std::move(updated);
  return out;
}

Result<NameServer::Recovery> NameServer::ShowRecovery(const std::string& plan_id) {
  std::lock_guard lock(mu_);
  KV_RETURN_IF_ERROR(CheckActiveLocked());
  Recovery out;
  if (recovery_) out.current = ToInfo(*recovery_);
  if (!plan_id.empty()) {
    KV_ASSIGN_OR_RETURN(std::optional<RecoveryRecord> finished, repository_.LoadFinishedRecovery(plan_id));
    if (finished) out.finished = ToInfo(*finished);
  }
  return out;
}

void NameServer::FinishRecoveryLocked() {
  if (!recovery_ || !runner_) return;
  RecoveryRecord done = *recovery_;
  for (uint64_t id : recovery_->op_ids) {
    Result<op::Op> op = runner_->Get(id);
    if (!op.ok()) {
      spdlog::warn("recovery {}: op {}: {}", done.plan_id, id, op.status().message());
      return;  // looked at again at the next check
    }
    if (!op::IsFinal(op->status)) return;
    done.outcomes[id] = std::string(op::StatusName(op->status));
  }
  done.finished_ms = static_cast<int64_t>(WallClockMs());
  // Back to what it was, unless the operator set it meanwhile.
  if (done.auto_failover_before == "true" && ConfigValue(config_, "auto_failover") == "false") {
    if (!PersistedLocked(repository_.SaveConfig("auto_failover", "true")).ok()) return;
    config_.Set("auto_failover", "true");
    repairs_wanted_ = true;
  }
  if (Status s = PersistedLocked(repository_.FinishRecovery(done)); !s.ok()) {
    spdlog::error("recovery {}: finishing its record: {}", done.plan_id, s.message());
    return;
  }
  spdlog::info("recovery {}: finished ({} ops), auto_failover {}", done.plan_id, done.op_ids.size(),
               ConfigValue(config_, "auto_failover"));
  recovery_.reset();
}

Result<v1::TableInfo> NameServer::RestoreTable(const v1::RestoreTableRequest& request) {
  std::lock_guard admin(admin_mu_);
  std::lock_guard lock(mu_);
  KV_RETURN_IF_ERROR(CheckActiveLocked());
  const v1::ReplicaTableSettings& settings = request.settings();
  const std::string& name = request.name();
  if (name.empty() || request.tid() == 0) return Status::InvalidArgument("a table to restore needs a name and a tid");
  if (tables_.count(name)) return Status::FailedPrecondition("table " + name + " exists: nothing to restore");
  for (const auto& [other, table] : tables_) {
    if (table.tid == request.tid()) {
      return Status::FailedPrecondition("tid " + std::to_string(request.tid()) + " is table " + other + "'s");
    }
  }
  if (settings.partition_count() == 0 || settings.replica_count() == 0) {
    return Status::InvalidArgument("table " + name + ": partition and replica counts must be known to restore it");
  }
  if (settings.acks() != v1::ACKS_MAJORITY && settings.acks() != v1::ACKS_LEADER) {
    return Status::InvalidArgument("table " + name + ": unknown acks mode");
  }
  KV_ASSIGN_OR_RETURN(wal::Durability durability,
                      wal::Durability::Resolve(settings.wal_level(), settings.wal_fsync_period_ms()));
  TableMeta table{.name = name,
                  .tid = request.tid(),
                  .state = TableState::kNormal,
                  .replica_count = settings.replica_count(),
                  .acks = settings.acks(),
                  .wal_level = durability.wal_level,
                  .wal_fsync_period_ms = durability.fsync_period_ms,
                  .created_at_ms = WallClockMs()};
  for (uint32_t pid = 0; pid < settings.partition_count(); ++pid) table.partitions.push_back({.pid = pid});
  for (const v1::RestoreTableRequest::Partition& p : request.partitions()) {
    if (p.pid() >= settings.partition_count()) {
      return Status::InvalidArgument("table " + name + " has no pid " + std::to_string(p.pid()));
    }
    for (const std::string& endpoint : p.replicas()) {
      // Not alive, no leader: nothing is served until recoverdata fences and leads each partition.
      table.partitions[p.pid()].replicas.push_back({.endpoint = endpoint, .role = v1::FOLLOWER, .is_alive = false});
    }
  }
  KV_RETURN_IF_ERROR(PersistedLocked(repository_.ReserveTid(table.tid)));
  KV_RETURN_IF_ERROR(PersistedLocked(repository_.SaveTable(table)));
  spdlog::warn("table {} (tid {}) restored from its replicas: {} partitions, {} replicas each; no leader until "
               "recoverdata recovers it",
               name, table.tid, table.partitions.size(), table.replica_count);
  tables_[name] = table;
  return TableInfoLocked(tables_.at(name));
}

// The leader made ready before it is fenced: a partition no replica holds is
// created empty on the leader's tablet (accepted loss); the best replica,
// on a tablet that does not run, is copied to the leader's tablet; a damaged
// leader its tablet could not open is repaired there, in place (accepted
// loss). Each is idempotent (a replica already there, or served, is left as
// it is), so a rerun of the task after a nameserver restart does no harm.
Status NameServer::PrepareLeader(op::TaskContext& ctx, const TableMeta& table, uint64_t term) {
  const std::string leader = ctx.params.at("leader").get<std::string>();
  const uint32_t pid = *ctx.op.pid;
  if (ctx.params.value("create_empty", false)) {
    // CreateReplica of a replica that exists with these settings is OK (tablet.cc).
    KV_RETURN_IF_ERROR(tablets_client_.CreateReplica(leader, BaseSpec(table, pid, v1::FOLLOWER, term)));
    spdlog::warn("op {}: {} created empty on {} (no replica held data; the loss was accepted)", ctx.op.id,
                 Where(ctx.op.table, pid), leader);
  }
  if (const std::string folder = ctx.params.value("adopt_folder", ""); !folder.empty()) {
    v1::AdoptReplicaRequest request;
    *request.mutable_partition() = PartitionIdOf(table, pid);
    request.set_table_name(table.name);
    request.set_source_folder(folder);
    Result<v1::AdoptReplicaResponse> adopted = tablets_client_.AdoptReplica(leader, request);
    // A damaged copy does not open; the repair below opens it.
    const bool repairs_next = ctx.params.value("repair_leader", false);
    if (!adopted.ok() && !(repairs_next && adopted.status().code() == Status::Code::kFailedPrecondition)) {
      return adopted.status();
    }
    spdlog::warn("op {}: {} copied to {} from {}: {}", ctx.op.id, Where(ctx.op.table, pid), leader, folder,
                 adopted.ok() ? "opened" : adopted.status().message());
  }
  if (ctx.params.value("repair_leader", false)) {
    v1::RepairReplicaRequest request;
    *request.mutable_partition() = PartitionIdOf(table, pid);
    request.set_table_name(table.name);
    request.set_accept_loss(true);
    KV_ASSIGN_OR_RETURN(v1::RepairReplicaResponse repaired, tablets_client_.RepairReplica(leader, request));
    for (const std::string& line : repaired.done()) {
      spdlog::warn("op {}: {} on {}: {}", ctx.op.id, Where(ctx.op.table, pid), leader, line);
    }
  }
  return Status::OK();
}

Status NameServer::FenceTermTask(op::TaskContext& ctx) {
  const std::string leader = ctx.params.at("leader").get<std::string>();
  const uint64_t min_term = ctx.params.at("min_term").get<uint64_t>();
  const uint64_t planned_term = ctx.params.at("leader_last_term").get<uint64_t>();
  const uint64_t planned_offset = ctx.params.at("leader_last_offset").get<uint64_t>();
  std::vector<std::string> kept = {leader};
  for (const auto& e : ctx.params.at("catch_up")) kept.push_back(e.get<std::string>());
  // The new term, persisted before any tablet hears of it, above every term
  // the plan saw (a replica may hold one the metadata lost). Every replica is
  // not alive until this op brings it back; the replicas the plan keeps are
  // in the metadata (it may not have listed them).
  uint64_t term = 0;
  KV_RETURN_IF_ERROR(ChangePartition(ctx.op, false, [&](PartitionMeta& p) {
    term = std::max(p.term, min_term) + 1;
    p.term = term;
    p.leader.clear();
    for (ReplicaMeta& r : p.replicas) r.is_alive = false;
    for (const std::string& endpoint : kept) {
      if (p.FindReplica(endpoint) == nullptr) {
        p.replicas.push_back({.endpoint = endpoint, .role = v1::FOLLOWER, .is_alive = false});
      }
    }
    return Status::OK();
  }));
  ctx.params["term"] = term;
  KV_ASSIGN_OR_RETURN(TableMeta table, OpTable(ctx.op));
  const PartitionMeta& partition = table.partitions[*ctx.op.pid];
  {
    std::lock_guard lock(mu_);
    if (!TabletHealthyLocked(leader)) return Status::Busy(leader + " is not a healthy tablet (yet)");
  }
  KV_RETURN_IF_ERROR(PrepareLeader(ctx, table, term));
  const std::vector<FenceAnswer> answers = FenceReplicas(table, partition, term);
  auto mine_at = std::find_if(answers.begin(), answers.end(), [&](const FenceAnswer& a) { return a.endpoint == leader; });
  if (mine_at == answers.end()) return Status::Busy(leader + " is not a healthy tablet (yet)");
  if (!mine_at->status.ok()) {
    if (mine_at->status.code() == Status::Code::kNotFound) {
      return Status::InvalidArgument(leader + " does not serve table " + ctx.op.table + " pid " +
                                     std::to_string(*ctx.op.pid) + ": collect and plan again");
    }
    return mine_at->status;
  }
  // Invariant 6 was applied by the plan on what it saw; a leader whose log is
  // no longer that one (another term, or shorter) makes the plan stale.
  // A leader repaired in place (the loss accepted) may have lost the end of
  // its log: what it holds now is what the partition keeps.
  const v1::ChangeRoleResponse& mine = mine_at->response;
  const bool repaired = ctx.params.value("repair_leader", false);
  if (!repaired && (mine.last_term() != planned_term || mine.last_offset() < planned_offset)) {
    return Status::InvalidArgument(leader + " is at (term " + std::to_string(mine.last_term()) + ", offset " +
                                   std::to_string(mine.last_offset()) + "), the plan saw (term " +
                                   std::to_string(planned_term) + ", offset " + std::to_string(planned_offset) +
                                   "): the plan is stale; collect and plan again");
  }
  if (!CanWrite(mine.state())) {
    return Status::InvalidArgument(leader + " cannot write (" + mine.state_reason() + "): it cannot lead");
  }
  spdlog::info("op {}: {} fenced at term {}; {} leads next (term {}, offset {})", ctx.op.id,
               Where(ctx.op.table, *ctx.op.pid), term, leader, mine.last_term(), mine.last_offset());
  return Status::OK();
}

}  // namespace kv::ns
