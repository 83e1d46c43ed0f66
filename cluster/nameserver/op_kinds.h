// The nameserver's op kinds: their type, params and tasks in order (README.md
// "Ops"; the task functions are in nameserver_op_tasks.cc and
// nameserver_replica_tasks.cc). Pure builders, so every command and every
// automatic round submits the same task lists.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cluster/nameserver/table_meta.h"
#include "cluster/op/op.h"
#include "cluster/proto/kv.pb.h"

namespace kv::ns {

// kChangeLeaderOP: a new term and the best replica leads (params: trigger,
// optional candidate and exclude).
op::Op FailoverOp(const TableMeta& table, uint32_t pid, nlohmann::json params);
// kRecoverTableOP: the not-alive replica on endpoint follows the leader again.
op::Op RecoveryOp(const TableMeta& table, uint32_t pid, const std::string& endpoint, const std::string& trigger);
// kUpdateTableAliveOP / kOfflineReplicaOP: is_alive in the metadata only.
op::Op AliveOp(std::string type, const TableMeta& table, std::optional<uint32_t> pid, const std::string& endpoint,
               bool is_alive);
// kReAddReplicaOP: a new replica on the least loaded healthy tablet replaces
// the not-alive one on dead (replica_down_timeout_ms).
op::Op ReAddReplicaOp(const TableMeta& table, uint32_t pid, const std::string& dead);
// kAddReplicaOP: count new replicas, one after the other (setreplicas).
op::Op AddReplicasOp(const TableMeta& table, uint32_t pid, uint32_t count);
// kDelReplicaOP: count followers removed, one after the other (setreplicas).
op::Op DelReplicasOp(const TableMeta& table, uint32_t pid, uint32_t count);
// kDelReplicaOP of a leftover: a replica on endpoint the metadata no longer
// lists (its tablet was down while it was re-replicated) is dropped, keep_data.
op::Op DropLeftoverOp(const TableMeta& table, uint32_t pid, const std::string& endpoint);
// kMigrateOP (balance): a new replica on to catches up; when from leads, the
// leadership moves (new term) to another caught-up replica; then from goes.
op::Op MigrateOp(const TableMeta& table, uint32_t pid, const std::string& from, const std::string& to,
                 bool from_leads);

// kRecoverDataOP (`ops recoverdata apply`, docs/recoverdata.md): a new term
// above every collected one fences all replicas, the plan's leader leads at
// it (refused if its log is not the one the plan saw), then each catch-up
// replica follows, each rebuild replica is moved to quarantine and copied
// afresh, each replace replica gets a new one elsewhere, and add more are
// added. The repeated task groups name their replica in the task's args.
op::Op RecoverDataOp(const TableMeta& table, const v1::RecoverDataPartition& plan, const std::string& plan_id);

}  // namespace kv::ns
