// `ops recoverdata plan`: phase two, alone. From collect files, offline
// reports and/or a live collection, decides per partition its leader
// (invariant 6), each replica's fate, and what may be lost (docs/ops.md
// "recoverdata"); prints it as a table or --json and writes the plan file.
// Changes nothing. Exit 0; 1 when a partition is refused (it may lose
// acknowledged writes, or has no replica, and --accept-data-loss was not
// given); 2 bad input (a truncated or foreign file, an unknown table, an
// existing -o).
#include "ops/recover/recover_command.h"

namespace kv::recover {
namespace {

class RecoverDataPlanCommand : public RecoverDataCommand {
 public:
  std::vector<std::string> Path() const override { return {"recoverdata", "plan"}; }
  std::string Help() const override {
    return "Plan the recovery of every partition from collected replicas (--collected, --offline, --ns); "
           "changes nothing; exit 1 when a partition needs --accept-data-loss";
  }

 protected:
  void AddCommandFlags(CLI::App* app) override { AddPlanFlags(app); }
  int RunWith(Collection collection, const cli::CommonFlags& common) override {
    return PlanAndReport(collection, common);
  }
};

}  // namespace
}  // namespace kv::recover

using kv::recover::RecoverDataPlanCommand;
KV_REGISTER_COMMAND(RecoverDataPlanCommand);
