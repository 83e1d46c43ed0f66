// The plan file: PlanToJsonLines and ParsePlanJsonLines (plan.h).
#include <nlohmann/json.hpp>

#include "common/json_field.h"
#include "ops/recover/json_lines.h"
#include "ops/recover/plan.h"

namespace kv::recover {
namespace {

using nlohmann::json;

json SummaryJson(const PlanSummary& s) {
  return {{"tables", s.tables},       {"partitions", s.partitions},
          {"replicas_collected", s.replicas_collected},
          {"healthy", s.healthy},     {"recover", s.recover},
          {"data_loss", s.data_loss}, {"no_replica", s.no_replica},
          {"refused", s.refused},     {"replicas_cut", s.replicas_cut},
          {"replicas_rebuilt", s.replicas_rebuilt}, {"replicas_added", s.replicas_added}};
}

json PartitionJson(const PartitionPlan& p) {
  json replicas = json::array();
  for (const ReplicaDecision& d : p.replicas) {
    replicas.push_back({{"endpoint", d.endpoint},
                        {"fate", FateName(d.fate)},
                        {"health", HealthName(d.health)},
                        {"source", SourceName(d.source)},
                        {"last_term", d.last.term},
                        {"last_offset", d.last.offset},
                        {"records_to_receive", d.records_to_receive},
                        {"records_cut", d.records_cut},
                        {"why", d.why},
                        {"folder", d.folder}});
  }
  json at_risk = nullptr;
  if (p.at_risk) at_risk = {{"first", p.at_risk->first}, {"last", p.at_risk->last ? json(*p.at_risk->last) : json(nullptr)}};
  return {{"type", "partition"},
          {"table", p.table},
          {"tid", p.tid},
          {"pid", p.pid},
          {"replica_count", p.replica_count},
          {"current_leader", p.current_leader},
          {"leader", p.leader},
          {"leader_last_term", p.leader_last.term},
          {"leader_last_offset", p.leader_last.offset},
          {"verdict", VerdictName(p.verdict)},
          {"refused", p.refused},
          {"at_risk", at_risk},
          {"risk", p.risk},
          {"replicas_to_add", p.replicas_to_add},
          {"replicas", replicas}};
}

template <typename Enum>
Result<Enum> Named(const json& j, const char* field, const char* (*name_of)(Enum), std::initializer_list<Enum> all,
                   const std::string& where) {
  KV_ASSIGN_OR_RETURN(std::string name, JsonField<std::string>(j, field, where));
  for (Enum e : all) {
    if (name == name_of(e)) return e;
  }
  return Status::Corruption(where + ": unknown " + field + " '" + name + "'");
}

Result<ReplicaDecision> DecisionFromJson(const json& j, const std::string& where) {
  if (!j.is_object()) return Status::Corruption(where + ": a replica is not an object");
  ReplicaDecision d;
  KV_ASSIGN_OR_RETURN(d.endpoint, JsonField<std::string>(j, "endpoint", where));
  KV_ASSIGN_OR_RETURN(d.fate, Named<Fate>(j, "fate", FateName,
                                          {Fate::kLeader, Fate::kInSync, Fate::kCatchUp, Fate::kRebuild, Fate::kNotCollected},
                                          where));
  KV_ASSIGN_OR_RETURN(d.health, Named<Health>(j, "health", HealthName,
                                              {Health::kOk, Health::kWalDamaged, Health::kSstDamaged, Health::kUnreadable,
                                               Health::kMissing},
                                              where));
  KV_ASSIGN_OR_RETURN(d.source, Named<Source>(j, "source", SourceName, {Source::kOnline, Source::kOffline}, where));
  KV_ASSIGN_OR_RETURN(d.last.term, JsonField<uint64_t>(j, "last_term", where));
  KV_ASSIGN_OR_RETURN(d.last.offset, JsonField<uint64_t>(j, "last_offset", where));
  KV_ASSIGN_OR_RETURN(d.records_to_receive, JsonField<uint64_t>(j, "records_to_receive", where));
  KV_ASSIGN_OR_RETURN(d.records_cut, JsonField<uint64_t>(j, "records_cut", where));
  KV_ASSIGN_OR_RETURN(d.why, JsonField<std::string>(j, "why", where));
  if (auto folder = j.find("folder"); folder != j.end() && folder->is_string()) d.folder = folder->get<std::string>();
  return d;
}

Result<PartitionPlan> PartitionFromJson(const json& j, const std::string& where) {
  PartitionPlan p;
  KV_ASSIGN_OR_RETURN(p.table, JsonField<std::string>(j, "table", where));
  KV_ASSIGN_OR_RETURN(p.tid, JsonField<uint32_t>(j, "tid", where));
  KV_ASSIGN_OR_RETURN(p.pid, JsonField<uint32_t>(j, "pid", where));
  KV_ASSIGN_OR_RETURN(p.replica_count, JsonField<uint32_t>(j, "replica_count", where));
  KV_ASSIGN_OR_RETURN(p.current_leader, JsonField<std::string>(j, "current_leader", where));
  KV_ASSIGN_OR_RETURN(p.leader, JsonField<std::string>(j, "leader", where));
  KV_ASSIGN_OR_RETURN(p.leader_last.term, JsonField<uint64_t>(j, "leader_last_term", where));
  KV_ASSIGN_OR_RETURN(p.leader_last.offset, JsonField<uint64_t>(j, "leader_last_offset", where));
  KV_ASSIGN_OR_RETURN(p.verdict, Named<Verdict>(j, "verdict", VerdictName,
                                                {Verdict::kHealthy, Verdict::kRecover, Verdict::kDataLoss, Verdict::kNoReplica},
                                                where));
  KV_ASSIGN_OR_RETURN(p.refused, JsonField<bool>(j, "refused", where));
  const json& risk = j.contains("at_risk") ? j["at_risk"] : json(nullptr);
  if (risk.is_object()) {
    OffsetRange r;
    KV_ASSIGN_OR_RETURN(r.first, JsonField<uint64_t>(risk, "first", where));
    if (risk.contains("last") && !risk["last"].is_null()) {
      KV_ASSIGN_OR_RETURN(r.last, JsonField<uint64_t>(risk, "last", where));
    }
    p.at_risk = r;
  }
  KV_ASSIGN_OR_RETURN(p.risk, JsonField<std::string>(j, "risk", where));
  KV_ASSIGN_OR_RETURN(p.replicas_to_add, JsonField<uint32_t>(j, "replicas_to_add", where));
  KV_ASSIGN_OR_RETURN(json replicas, JsonField<json>(j, "replicas", where));
  for (const json& r : replicas) {
    KV_ASSIGN_OR_RETURN(ReplicaDecision d, DecisionFromJson(r, where));
    p.replicas.push_back(std::move(d));
  }
  return p;
}

Status HeaderFromJson(const json& j, const std::string& where, Plan* p, uint64_t* partitions) {
  KV_ASSIGN_OR_RETURN(p->id, JsonField<std::string>(j, "id", where));
  KV_ASSIGN_OR_RETURN(p->nameservers, StringArrayField(j, "nameservers", where));
  KV_ASSIGN_OR_RETURN(p->created, JsonField<std::string>(j, "created", where));
  KV_ASSIGN_OR_RETURN(p->collected, JsonField<std::string>(j, "collected", where));
  KV_ASSIGN_OR_RETURN(p->partial, JsonField<bool>(j, "partial", where));
  KV_ASSIGN_OR_RETURN(p->unreachable, StringArrayField(j, "unreachable", where));
  KV_ASSIGN_OR_RETURN(p->accept_data_loss, JsonField<bool>(j, "accept_data_loss", where));
  KV_ASSIGN_OR_RETURN(p->fingerprint, JsonField<std::string>(j, "fingerprint", where));
  KV_ASSIGN_OR_RETURN(p->notes, StringArrayField(j, "notes", where));
  KV_ASSIGN_OR_RETURN(*partitions, JsonField<uint64_t>(j, "partitions", where));
  return Status::OK();
}

}  // namespace

std::string PlanToJsonLines(const Plan& p) {
  std::string out = json{{"type", "plan"},
                         {"format_version", kPlanFormatVersion},
                         {"id", p.id},
                         {"nameservers", p.nameservers},
                         {"created", p.created},
                         {"collected", p.collected},
                         {"partial", p.partial},
                         {"unreachable", p.unreachable},
                         {"accept_data_loss", p.accept_data_loss},
                         {"fingerprint", p.fingerprint},
                         {"notes", p.notes},
                         {"summary", SummaryJson(Summarize(p))},
                         {"partitions", p.partitions.size()}}
                        .dump() +
                    "\n";
  for (const PartitionPlan& pp : p.partitions) out += PartitionJson(pp).dump() + "\n";
  return out;
}

Result<Plan> ParsePlanJsonLines(std::string_view text, const std::string& where) {
  auto bad = [&](const std::string& why) { return Status::InvalidArgument(where + ": " + why); };
  Plan plan;
  uint64_t expected = 0;
  auto lines = ForEachJsonLine(text, where, [&](size_t line_no, const json& j, const std::string& type) -> Status {
    const std::string at = where + " line " + std::to_string(line_no);
    if (line_no == 1) {
      if (type != "plan") return bad("not a recoverdata plan file (its first line is of type '" + type + "')");
      auto version = JsonField<int>(j, "format_version", at);
      if (!version.ok() || *version != kPlanFormatVersion) {
        return bad("plan format_version " + (version.ok() ? std::to_string(*version) : std::string("missing")) +
                   ", this ops reads " + std::to_string(kPlanFormatVersion));
      }
      return HeaderFromJson(j, at, &plan, &expected);
    }
    if (type != "partition") return bad("line " + std::to_string(line_no) + " has unknown type '" + type + "'");
    KV_ASSIGN_OR_RETURN(PartitionPlan p, PartitionFromJson(j, at));
    plan.partitions.push_back(std::move(p));
    return Status::OK();
  });
  if (!lines.ok()) return lines.status();
  if (*lines == 0) return bad("empty, not a plan file");
  if (plan.partitions.size() != expected) {
    return bad("truncated: the plan line counts " + std::to_string(expected) + " partitions, the file has " +
               std::to_string(plan.partitions.size()));
  }
  return plan;
}

}  // namespace kv::recover
