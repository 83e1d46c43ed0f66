// `repair wal truncate-tail DIR`: cut a torn tail (the writer died mid-write) off
// a WAL, keeping the cut bytes in quarantine. Dry run unless --apply.
#include "cli/table.h"
#include "repair/wal_repair_command.h"

namespace kv::repair {
namespace {

class WalTruncateTailCommand : public WalRepairCommand {
 public:
  std::vector<std::string> Path() const override { return {"wal", "truncate-tail"}; }
  std::string Help() const override {
    return "Cut a torn tail off a WAL into quarantine (dry run unless --apply); refuses other damage";
  }

 protected:
  std::string ApplyHelp() const override { return "cut (default: only print what would be cut)"; }
  std::string DryRunAction() const override { return " to cut"; }

  Result<Outcome> RepairAndPrint(bool json) override {
    KV_ASSIGN_OR_RETURN(TailResult result, TruncateTail(dir(), options()));
    if (json) {
      PrintJson(result);
    } else {
      PrintText(result);
    }
    Outcome outcome;
    if (result.plan.verdict == TailVerdict::kRefused) outcome.refusal = result.plan.refusal;
    outcome.would_change = result.plan.verdict == TailVerdict::kTornTail;
    return outcome;
  }

 private:
  void PrintJson(const TailResult& r) const {
    for (const TailCut& cut : r.plan.cuts) {
      nlohmann::json j = cut;
      j["type"] = "cut";
      cli::PrintJsonLine(j);
    }
    cli::PrintJsonLine({{"type", "summary"},
                        {"dir", dir()},
                        {"verdict", TailVerdictName(r.plan.verdict)},
                        {"applied", options().apply && r.plan.verdict == TailVerdict::kTornTail},
                        {"last_offset", r.plan.last_offset},
                        {"last_term", r.plan.last_term},
                        {"gaps", r.plan.gaps},
                        {"refusal", r.plan.refusal},
                        {"quarantine", r.quarantine_dir}});
  }

  void PrintText(const TailResult& r) const {
    const TailPlan& plan = r.plan;
    if (plan.verdict == TailVerdict::kRefused) return;  // the refusal line says it all
    const std::string gaps = plan.gaps.empty() ? "" : "; gaps left as they are: " + DescribeRanges(plan.gaps);
    if (plan.verdict == TailVerdict::kClean) {
      std::printf("%s: clean end of log (last offset %llu)%s; nothing to do\n", dir().c_str(),
                  static_cast<unsigned long long>(plan.last_offset), gaps.c_str());
      return;
    }
    cli::Table t({"FILE", "SIZE", "CUT BYTES", "ACTION", "REASON"});
    for (const TailCut& cut : plan.cuts) {
      t.AddRow({cut.file, std::to_string(cut.file_size),
                "[" + std::to_string(cut.keep_bytes) + ", " + std::to_string(cut.file_size) + ")",
                cut.whole_file ? "move file to quarantine" : "cut into quarantine", cut.reason});
    }
    t.Print();
    std::printf(
        "offsets kept: through %llu (term %llu); offsets lost: none (a torn tail holds no complete "
        "record)%s\n",
        static_cast<unsigned long long>(plan.last_offset), static_cast<unsigned long long>(plan.last_term),
        gaps.c_str());
    if (!r.quarantine_dir.empty()) std::printf("cut; the bytes are in %s\n", r.quarantine_dir.c_str());
  }
};

}  // namespace

KV_REGISTER_COMMAND(WalTruncateTailCommand)

}  // namespace kv::repair
