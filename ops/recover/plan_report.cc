#include "ops/recover/plan_report.h"

#include "cli/table.h"

namespace kv::recover {

std::string DescribeFollowers(const PartitionPlan& p) {
  std::string out;
  for (const ReplicaDecision& d : p.replicas) {
    if (d.fate == Fate::kLeader) continue;
    std::string fate = FateName(d.fate);
    if (d.records_cut > 0) fate = std::to_string(d.records_cut) + " cut, catch-up";
    if (d.fate == Fate::kCatchUp && d.records_to_receive > 0) fate += " " + std::to_string(d.records_to_receive);
    if (d.fate == Fate::kRebuild) fate += " (" + std::string(HealthName(d.health)) + ")";
    out += (out.empty() ? "" : ", ") + d.endpoint + " " + fate;
  }
  if (p.replicas_to_add > 0) out += (out.empty() ? "" : ", ") + std::string("+") + std::to_string(p.replicas_to_add) + " new";
  return out.empty() ? "-" : out;
}

void PrintPlan(const Plan& plan, FILE* out, FILE* notes) {
  const PlanSummary s = Summarize(plan);
  std::fprintf(out, "plan %s: %zu partitions of %zu tables, %zu replicas collected%s\n", plan.id.c_str(), s.partitions,
               s.tables, s.replicas_collected,
               plan.partial ? (", PARTIAL: " + std::to_string(plan.unreachable.size()) + " tablets not read").c_str() : "");
  std::fprintf(out, "  healthy %zu, to recover %zu, may lose acknowledged writes %zu, no replica %zu\n", s.healthy,
               s.recover, s.data_loss, s.no_replica);
  std::fprintf(out, "  replicas: %zu with records cut into quarantine, %zu rebuilt from their leader, %zu to add\n",
               s.replicas_cut, s.replicas_rebuilt, s.replicas_added);
  cli::Table t({"table", "pid", "verdict", "leader", "leader last", "other replicas", "at risk"});
  for (const PartitionPlan& p : plan.partitions) {
    if (p.verdict == Verdict::kHealthy) continue;
    t.AddRow({p.table, std::to_string(p.pid), std::string(VerdictName(p.verdict)) + (p.refused ? " (refused)" : ""),
              p.leader.empty() ? "-" : p.leader, p.leader.empty() ? "-" : Describe(p.leader_last), DescribeFollowers(p),
              p.at_risk ? Describe(*p.at_risk) : "-"});
  }
  if (t.rows() > 0) {
    std::fprintf(out, "\n");
    t.Print(out);
  }
  for (const std::string& u : plan.unreachable) std::fprintf(notes, "not read: tablet %s\n", u.c_str());
  for (const std::string& n : plan.notes) std::fprintf(notes, "note: %s\n", n.c_str());
  for (const PartitionPlan& p : plan.partitions) {
    if (!p.risk.empty()) {
      std::fprintf(notes, "%s: %s pid %u: %s\n", p.refused ? "refused" : "accepted loss", p.table.c_str(), p.pid,
                   p.risk.c_str());
    }
  }
  if (s.refused > 0) {
    std::fprintf(notes,
                 "%zu partitions may lose acknowledged writes or have no replica: give the missing tablets' "
                 "`inspect tablet --json` reports (--offline), or --accept-data-loss to recover them with the loss shown\n",
                 s.refused);
  }
}

}  // namespace kv::recover
