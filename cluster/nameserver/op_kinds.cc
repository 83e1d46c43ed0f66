#include "cluster/nameserver/op_kinds.h"

#include <utility>
#include <vector>

namespace kv::ns {

namespace {

op::Op PartitionOp(std::string type, const TableMeta& table, uint32_t pid, nlohmann::json params,
                   const std::vector<std::string>& tasks) {
  op::Op op{.type = std::move(type), .table = table.name, .tid = table.tid, .pid = pid, .params = std::move(params)};
  for (const std::string& task : tasks) op.tasks.push_back({.type = task});
  return op;
}

const std::vector<std::string> kLeaderChange = {"kAllocateTerm", "kSelectLeader", "kChangeLeader",
                                                "kUpdateLeaderInfo"};
// A new replica: placed, created as a follower at the current term, added to
// the leader's followers, caught up, recorded alive.
const std::vector<std::string> kAddOne = {"kSelectTarget", "kCreateReplica", "kAddFollower", "kWaitCatchUp",
                                          "kAddReplicaMeta"};
// A follower removed: off the leader's follower list, dropped (keep_data), off the metadata.
const std::vector<std::string> kRemoveOne = {"kRemoveFollower", "kDropReplica", "kRemoveReplicaMeta"};

std::vector<std::string> Repeat(const std::vector<std::string>& first, const std::vector<std::string>& group,
                                uint32_t count) {
  std::vector<std::string> out;
  for (uint32_t i = 0; i < count; ++i) {
    out.insert(out.end(), first.begin(), first.end());
    out.insert(out.end(), group.begin(), group.end());
  }
  return out;
}

std::vector<std::string> Strings(const google::protobuf::RepeatedPtrField<std::string>& list) {
  return {list.begin(), list.end()};
}

void AddTasks(op::Op& op, const std::vector<std::string>& tasks, const nlohmann::json& args) {
  for (const std::string& task : tasks) op.tasks.push_back({.type = task, .args = args});
}

}  // namespace

op::Op FailoverOp(const TableMeta& table, uint32_t pid, nlohmann::json params) {
  return PartitionOp("kChangeLeaderOP", table, pid, std::move(params), kLeaderChange);
}

op::Op RecoveryOp(const TableMeta& table, uint32_t pid, const std::string& endpoint, const std::string& trigger) {
  return PartitionOp("kRecoverTableOP", table, pid, {{"endpoint", endpoint}, {"trigger", trigger}},
                     {"kFollowLeader", "kAddFollower", "kWaitCatchUp", "kMarkRecovered"});
}

op::Op AliveOp(std::string type, const TableMeta& table, std::optional<uint32_t> pid, const std::string& endpoint,
               bool is_alive) {
  return op::Op{.type = std::move(type),
                .table = table.name,
                .tid = table.tid,
                .pid = pid,
                .params = {{"endpoint", endpoint}, {"is_alive", is_alive}},
                .tasks = {{.type = "kUpdateTableAlive"}}};
}

op::Op ReAddReplicaOp(const TableMeta& table, uint32_t pid, const std::string& dead) {
  return PartitionOp("kReAddReplicaOP", table, pid, {{"dead", dead}, {"trigger", "replica_down_timeout"}}, kAddOne);
}

op::Op AddReplicasOp(const TableMeta& table, uint32_t pid, uint32_t count) {
  return PartitionOp("kAddReplicaOP", table, pid, {{"trigger", "setreplicas"}}, Repeat({}, kAddOne, count));
}

op::Op DelReplicasOp(const TableMeta& table, uint32_t pid, uint32_t count) {
  return PartitionOp("kDelReplicaOP", table, pid, {{"trigger", "setreplicas"}},
                     Repeat({"kSelectRemoval"}, kRemoveOne, count));
}

op::Op DropLeftoverOp(const TableMeta& table, uint32_t pid, const std::string& endpoint) {
  return PartitionOp("kDelReplicaOP", table, pid, {{"remove", endpoint}, {"leftover", true}, {"trigger", "leftover"}},
                     {"kDropReplica"});
}

op::Op MigrateOp(const TableMeta& table, uint32_t pid, const std::string& from, const std::string& to,
                 bool from_leads) {
  nlohmann::json params = {{"target", to}, {"remove", from}, {"trigger", "balance"}};
  std::vector<std::string> tasks = kAddOne;
  if (from_leads) {
    // The leader changes before it is removed: from is fenced at the new
    // term and excluded, the best of the others (the new one included) leads.
    params["exclude"] = from;
    tasks.insert(tasks.end(), kLeaderChange.begin(), kLeaderChange.end());
  }
  tasks.insert(tasks.end(), kRemoveOne.begin(), kRemoveOne.end());
  return PartitionOp("kMigrateOP", table, pid, std::move(params), tasks);
}

}  // namespace kv::ns

namespace kv::ns {

op::Op RecoverDataOp(const TableMeta& table, const v1::RecoverDataPartition& plan, const std::string& plan_id) {
  nlohmann::json params = {{"trigger", "recoverdata"},
                           {"plan_id", plan_id},
                           {"leader", plan.leader()},
                           {"leader_last_term", plan.leader_last_term()},
                           {"leader_last_offset", plan.leader_last_offset()},
                           {"min_term", plan.min_term()},
                           {"followers", nlohmann::json::array()},
                           {"catch_up", Strings(plan.catch_up())},
                           {"rebuild", Strings(plan.rebuild())},
                           {"replace", Strings(plan.replace())},
                           {"add", plan.add()},
                           {"create_empty", plan.create_empty()},
                           {"repair_leader", plan.repair_leader()},
                           {"adopt_folder", plan.adopt_folder()}};
  // The leader first, with no followers: each joins once it followed (kAddFollower).
  op::Op op = PartitionOp("kRecoverDataOP", table, plan.pid(), std::move(params),
                          {"kFenceTerm", "kChangeLeader", "kUpdateLeaderInfo"});
  // The copied replica's dead tablet leaves the partition: the copy on the leader's tablet takes its place.
  if (!plan.adopt_from().empty()) AddTasks(op, {"kRemoveReplicaMeta"}, {{"remove", plan.adopt_from()}});
  for (const std::string& endpoint : plan.catch_up()) {
    AddTasks(op, {"kFollowLeader", "kAddFollower", "kWaitCatchUp", "kMarkRecovered"}, {{"endpoint", endpoint}});
  }
  for (const std::string& endpoint : plan.rebuild()) {
    // Out of the tablet (into its quarantine) and the metadata, then placed
    // again on the same tablet as a new replica.
    AddTasks(op, {"kDropReplica", "kRemoveReplicaMeta"}, {{"remove", endpoint}});
    AddTasks(op, kAddOne, {{"target", endpoint}, {"dead", nullptr}});
  }
  for (const std::string& endpoint : plan.replace()) {
    AddTasks(op, kAddOne, {{"target", nullptr}, {"dead", endpoint}});
  }
  for (uint32_t i = 0; i < plan.add(); ++i) AddTasks(op, kAddOne, {{"target", nullptr}, {"dead", nullptr}});
  return op;
}

}  // namespace kv::ns
