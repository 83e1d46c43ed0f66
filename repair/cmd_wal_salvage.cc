// `repair wal salvage DIR`: rewrite a damaged WAL from its intact records, moving
// every original segment file into quarantine. Dry run unless --apply.
#include "cli/table.h"
#include "repair/wal_repair_command.h"

namespace kv::repair {
namespace {

class WalSalvageCommand : public WalRepairCommand {
 public:
  std::vector<std::string> Path() const override { return {"wal", "salvage"}; }
  std::string Help() const override {
    return "Rewrite a damaged WAL from its intact records; originals to quarantine (dry run unless --apply)";
  }

 protected:
  std::string ApplyHelp() const override { return "rewrite (default: only print the plan)"; }
  std::string QuarantineHelp() const override {
    return "quarantine root, on the same filesystem as DIR (default: DIR/quarantine)";
  }

  Result<Outcome> RepairAndPrint(bool json) override {
    KV_ASSIGN_OR_RETURN(SalvageResult result, Salvage(dir(), options()));
    if (json) {
      PrintJson(result);
    } else {
      PrintText(result);
    }
    const SalvagePlan& plan = result.plan;
    Outcome outcome;
    if (plan.verdict == SalvageVerdict::kRefused) outcome.refusal = plan.note;
    outcome.would_change = Changes(plan);
    return outcome;
  }

 private:
  static bool Changes(const SalvagePlan& p) {
    return p.verdict == SalvageVerdict::kSalvage || p.verdict == SalvageVerdict::kResume;
  }
  bool Applied(const SalvagePlan& p) const { return options().apply && Changes(p); }

  void PrintJson(const SalvageResult& r) const {
    const SalvagePlan& p = r.plan;
    for (const std::string& d : p.damages) cli::PrintJsonLine({{"type", "damage"}, {"text", d}});
    auto print_all = [](const char* type, const auto& items) {
      for (const auto& item : items) {
        nlohmann::json j = item;
        j["type"] = type;
        cli::PrintJsonLine(j);
      }
    };
    print_all("input", p.inputs);
    print_all("output", p.outputs);
    print_all("lost", p.lost);
    cli::PrintJsonLine({{"type", "summary"},
                        {"dir", dir()},
                        {"verdict", SalvageVerdictName(p.verdict)},
                        {"applied", Applied(p)},
                        {"note", p.note},
                        {"tid", p.tid},
                        {"pid", p.pid},
                        {"segment_bytes", p.segment_bytes},
                        {"records_kept", p.records_kept},
                        {"duplicate_bytes", p.duplicate_bytes},
                        {"interrupted", p.interrupted},
                        {"quarantine", r.quarantine_dir}});
  }

  void PrintText(const SalvageResult& r) const {
    const SalvagePlan& p = r.plan;
    if (p.verdict == SalvageVerdict::kNothingToDo) {
      std::printf("%s: %s; nothing to do (offsets lost: %s)\n", dir().c_str(), p.note.c_str(),
                  DescribeRanges(p.lost).c_str());
      return;
    }
    if (p.verdict == SalvageVerdict::kRefused) return;  // the refusal line says it all
    if (!p.damages.empty()) {
      cli::Table damages({"DAMAGE FOUND"});
      for (const std::string& d : p.damages) damages.AddRow({d});
      damages.Print();
      std::printf("\n");
    }
    const bool applied = Applied(p);
    cli::Table inputs({"ORIGINAL FILE", "BYTES", "ROLE", "RECORDS KEPT", "ACTION", "DETAIL"});
    for (const SalvageInput& in : p.inputs) {
      inputs.AddRow({in.file, std::to_string(in.bytes), in.role, std::to_string(in.records_kept),
                     in.done || applied ? "moved to quarantine" : "move to quarantine", in.detail});
    }
    inputs.Print();
    std::printf("\n");
    cli::Table outputs({"NEW SEGMENT", "OFFSETS", "RECORDS", "BYTES", "ACTION"});
    for (const SalvageOutput& out : p.outputs) {
      outputs.AddRow({out.name, std::to_string(out.first_offset) + ".." + std::to_string(out.last_offset),
                      std::to_string(out.records), std::to_string(out.bytes),
                      out.done || applied ? "in the log folder" : "write into the log folder"});
    }
    outputs.Print();
    std::printf(
        "\ntable %u partition %u: %llu records kept, %llu duplicate bytes dropped; offsets lost: %s\n", p.tid,
        p.pid, static_cast<unsigned long long>(p.records_kept),
        static_cast<unsigned long long>(p.duplicate_bytes), DescribeRanges(p.lost).c_str());
    if (!p.note.empty()) std::printf("%s\n", p.note.c_str());
    if (!r.quarantine_dir.empty()) std::printf("originals moved to %s\n", r.quarantine_dir.c_str());
  }
};

}  // namespace

KV_REGISTER_COMMAND(WalSalvageCommand)

}  // namespace kv::repair
