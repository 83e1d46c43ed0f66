#include "ops/recover/apply_report.h"

#include "cli/table.h"

namespace kv::recover {

namespace {

std::string List(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ",") + s;
  return out.empty() ? "-" : out;
}

}  // namespace

void PrintSteps(const Plan& plan, const ApplySteps& steps, FILE* out) {
  std::fprintf(out, "apply plan %s: %zu partitions to recover, %zu healthy, %zu held\n", plan.id.c_str(),
               steps.partitions.size(), steps.healthy, steps.held.size());
  if (!steps.partitions.empty()) {
    cli::Table t({"table", "pid", "leader", "follow", "rebuild", "replace", "add"});
    for (const PartitionSteps& s : steps.partitions) {
      t.AddRow({s.table, std::to_string(s.pid), s.leader, List(s.catch_up), List(s.rebuild), List(s.replace),
                std::to_string(s.add)});
    }
    t.Print(out);
  }
  for (const PartitionSteps& s : steps.partitions) {
    if (!s.note.empty()) std::fprintf(out, "  %s pid %u: %s\n", s.table.c_str(), s.pid, s.note.c_str());
  }
  for (const std::string& held : steps.held) std::fprintf(out, "  held: %s\n", held.c_str());
}

bool AppliedAll(const ApplyOutcome& o) {
  return o.steps.held.empty() && o.refused.empty() && o.failed.empty() && !o.waited_out &&
         o.done == o.steps.partitions.size();
}

void PrintApplied(const ApplyOutcome& o, FILE* out) {
  std::fprintf(out, "applied%s: %zu of %zu partitions recovered, %zu failed, %zu refused, %zu held%s\n",
               o.resumed ? " (resumed)" : "", o.done, o.steps.partitions.size(), o.failed.size(), o.refused.size(),
               o.steps.held.size(), o.waited_out ? "; stopped waiting: the ops go on (showopstatus)" : "");
  for (const std::string& r : o.restored) std::fprintf(out, "  restored: %s\n", r.c_str());
  for (const std::string& f : o.failed) std::fprintf(out, "  failed: %s\n", f.c_str());
  for (const std::string& r : o.refused) std::fprintf(out, "  refused: %s\n", r.c_str());
  for (const std::string& h : o.steps.held) std::fprintf(out, "  held: %s\n", h.c_str());
}

void PrintVerified(const VerifyReport& report, FILE* out) {
  uint64_t records = 0;
  for (const PartitionCheck& c : report.partitions) records += c.record_count;
  std::fprintf(out, "verify: %zu of %zu partitions recovered, %llu records\n",
               report.partitions.size() - report.Undone(), report.partitions.size(),
               static_cast<unsigned long long>(records));
  cli::Table t({"table", "pid", "leader", "term", "offset", "records", "alive", "status"});
  for (const PartitionCheck& c : report.partitions) {
    t.AddRow({c.table, std::to_string(c.pid), c.leader.empty() ? "-" : c.leader, std::to_string(c.term),
              std::to_string(c.last_offset), std::to_string(c.record_count),
              std::to_string(c.alive) + "/" + std::to_string(c.replica_count),
              c.problem.empty() ? "ok" : "UNDONE: " + c.problem});
  }
  t.Print(out);
}

nlohmann::json AppliedJson(const Plan& plan, const ApplyOutcome& o) {
  nlohmann::json partitions = nlohmann::json::array();
  for (const PartitionSteps& s : o.steps.partitions) {
    partitions.push_back({{"table", s.table},
                          {"pid", s.pid},
                          {"leader", s.leader},
                          {"catch_up", s.catch_up},
                          {"rebuild", s.rebuild},
                          {"replace", s.replace},
                          {"add", s.add},
                          {"note", s.note}});
  }
  return {{"plan_id", plan.id},  {"resumed", o.resumed}, {"restored", o.restored}, {"op_ids", o.op_ids},         {"done", o.done},
          {"failed", o.failed},  {"refused", o.refused}, {"held", o.steps.held},       {"healthy", o.steps.healthy},
          {"waited_out", o.waited_out}, {"partitions", partitions}, {"complete", AppliedAll(o)}};
}

nlohmann::json VerifiedJson(const VerifyReport& report) {
  nlohmann::json partitions = nlohmann::json::array();
  for (const PartitionCheck& c : report.partitions) {
    partitions.push_back({{"table", c.table},
                          {"pid", c.pid},
                          {"leader", c.leader},
                          {"term", c.term},
                          {"last_offset", c.last_offset},
                          {"record_count", c.record_count},
                          {"alive", c.alive},
                          {"replica_count", c.replica_count},
                          {"problem", c.problem}});
  }
  return {{"partitions", partitions}, {"undone", report.Undone()}};
}

}  // namespace kv::recover
