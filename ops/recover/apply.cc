#include "ops/recover/apply.h"

#include <algorithm>
#include <map>
#include <set>
#include <thread>

#include "cluster/client/kv_client.h"

namespace kv::recover {

namespace {

constexpr auto kPoll = std::chrono::milliseconds(250);

std::string Joined(const std::vector<std::string>& lines, const std::string& sep) {
  std::string out;
  for (const std::string& l : lines) out += (out.empty() ? "" : sep) + l;
  return out;
}

// The plan restricted to the partitions it acts on (not healthy).
Plan Acting(const Plan& plan, const std::set<std::pair<std::string, uint32_t>>& keys) {
  Plan out = plan;
  out.partitions.clear();
  for (const PartitionPlan& p : plan.partitions) {
    if (keys.count({p.table, p.pid})) out.partitions.push_back(p);
  }
  return out;
}

v1::RecoverDataRequest RequestOf(const Plan& plan, const ApplySteps& steps) {
  v1::RecoverDataRequest request;
  request.set_plan_id(plan.id);
  request.set_fingerprint(plan.fingerprint);
  for (const PartitionSteps& s : steps.partitions) {
    v1::RecoverDataPartition* p = request.add_partitions();
    p->set_table(s.table);
    p->set_tid(s.tid);
    p->set_pid(s.pid);
    p->set_leader(s.leader);
    p->set_leader_last_term(s.leader_last.term);
    p->set_leader_last_offset(s.leader_last.offset);
    p->set_min_term(s.min_term);
    for (const std::string& e : s.catch_up) p->add_catch_up(e);
    for (const std::string& e : s.rebuild) p->add_rebuild(e);
    for (const std::string& e : s.replace) p->add_replace(e);
    p->set_add(s.add);
    p->set_create_empty(s.create_empty);
    p->set_repair_leader(s.repair_leader);
    p->set_adopt_from(s.adopt_from);
    p->set_adopt_folder(s.adopt_folder);
  }
  return request;
}

// The tables of the plan that the collection knows only from their replicas:
// put back in the nameserver with their tid, settings and replicas.
Status RestoreUnknownTables(client::Client& client, const Plan& plan, const Collection& fresh, ApplyOutcome* out) {
  for (const TableSettings& t : fresh.tables) {
    if (t.source == "nameserver") continue;
    v1::RestoreTableRequest request;
    request.set_name(t.name);
    request.set_tid(t.tid);
    v1::ReplicaTableSettings* settings = request.mutable_settings();
    settings->set_acks(t.acks_majority ? v1::ACKS_MAJORITY : v1::ACKS_LEADER);
    settings->set_wal_level(t.wal_level);
    settings->set_wal_fsync_period_ms(t.wal_fsync_period_ms);
    settings->set_partition_count(t.partition_count);
    uint32_t replica_count = t.replica_count;
    for (const PartitionPlan& p : plan.partitions) {
      if (p.tid != t.tid) continue;
      replica_count = std::max(replica_count, p.replica_count);
      v1::RestoreTableRequest::Partition* placed = request.add_partitions();
      placed->set_pid(p.pid);
      for (const ReplicaDecision& d : p.replicas) placed->add_replicas(d.endpoint);
    }
    if (request.partitions_size() == 0) continue;  // not in the plan (--table)
    settings->set_replica_count(replica_count);
    KV_ASSIGN_OR_RETURN(v1::TableInfo restored, client.RestoreTable(request));
    out->restored.push_back("table " + restored.name() + " (tid " + std::to_string(restored.tid()) + ", " +
                            std::to_string(restored.partition_count()) + " partitions x " +
                            std::to_string(restored.replica_count()) +
                            " replicas) put back from its replicas: the nameserver did not know it");
  }
  return Status::OK();
}

// Follows op_ids until each is final or the wait ends.
Status Follow(client::Client& client, const ApplyOptions& options, ApplyOutcome* out) {
  const auto deadline = std::chrono::steady_clock::now() + options.wait;
  std::set<uint64_t> pending(out->op_ids.begin(), out->op_ids.end());
  const size_t total = pending.size();
  while (!pending.empty()) {
    KV_ASSIGN_OR_RETURN(std::vector<v1::OpInfo> ops, client.ShowOpStatus());
    for (const v1::OpInfo& op : ops) {
      if (!pending.count(op.id())) continue;
      const std::string& status = op.status();
      if (status != "kDone" && status != "kFailed" && status != "kCanceled") continue;
      pending.erase(op.id());
      const std::string name = op.table() + " pid " + std::to_string(op.pid());
      std::string line = name + ": " + (status == "kDone" ? "done" : status) + " (op " + std::to_string(op.id()) + ")";
      if (status == "kDone") {
        ++out->done;
      } else {
        line += ": " + op.error();
        out->failed.push_back(line);
      }
      if (options.progress) options.progress(line, total - pending.size(), total);
    }
    if (pending.empty()) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      out->waited_out = true;
      break;
    }
    std::this_thread::sleep_for(kPoll);
  }
  return Status::OK();
}

}  // namespace

std::vector<std::string> StaleChanges(const Plan& plan, const Plan& fresh) {
  std::set<std::pair<std::string, uint32_t>> acting;
  for (const PartitionPlan& p : plan.partitions) {
    if (p.verdict != Verdict::kHealthy) acting.insert({p.table, p.pid});
  }
  return ChangesBetween(Acting(plan, acting), Acting(fresh, acting));
}

Result<ApplyOutcome> Apply(client::Client& client, const Plan& plan, const Collection& fresh,
                           const ApplyOptions& options) {
  if (!fresh.nameservers.empty() && std::set(plan.nameservers.begin(), plan.nameservers.end()) !=
                                        std::set(fresh.nameservers.begin(), fresh.nameservers.end())) {
    return Status::InvalidArgument("plan " + plan.id + " was made for nameservers " + Joined(plan.nameservers, ",") +
                                   ", not " + Joined(fresh.nameservers, ",") + ": a plan of another cluster");
  }
  KV_ASSIGN_OR_RETURN(v1::ShowRecoveryResponse recovery, client.ShowRecovery(plan.id));
  if (recovery.has_current() && recovery.current().plan_id() != plan.id) {
    return Status::FailedPrecondition("recovery " + recovery.current().plan_id() + " is under way (" +
                                      std::to_string(recovery.current().op_ids_size()) +
                                      " ops; showopstatus): one recovery at a time");
  }
  const bool started = recovery.has_current() || recovery.has_finished();
  ApplyOutcome out;
  std::set<std::string> running;
  for (const CollectedTablet& t : fresh.tablets) {
    if (t.source == Source::kOnline) running.insert(t.endpoint);
  }
  out.steps = StepsOf(plan, running);
  if (!started) {
    KV_ASSIGN_OR_RETURN(Plan again, MakePlan(fresh, {TablesOf(plan), plan.accept_data_loss, plan.created}));
    const std::vector<std::string> changes = StaleChanges(plan, again);
    if (!changes.empty()) {
      return Status::FailedPrecondition("plan " + plan.id + " is stale: the cluster changed since it was made (" +
                                        Joined(changes, "; ") + "); collect and plan again");
    }
    if (out.steps.partitions.empty()) return out;
    if (options.confirm && !options.confirm(out.steps)) return Status::Aborted("nothing applied: not confirmed");
    KV_RETURN_IF_ERROR(RestoreUnknownTables(client, plan, fresh, &out));
  }
  if (out.steps.partitions.empty()) return out;
  KV_ASSIGN_OR_RETURN(client::Client::SubmittedOps submitted, client.RecoverData(RequestOf(plan, out.steps)));
  out.resumed = submitted.resumed;
  out.op_ids = submitted.op_ids;
  out.refused = submitted.refused;
  KV_RETURN_IF_ERROR(Follow(client, options, &out));
  return out;
}

}  // namespace kv::recover
