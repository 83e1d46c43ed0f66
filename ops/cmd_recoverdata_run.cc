// `ops recoverdata run`: the four phases in one command: collect (online and
// offline reports), plan (printed), then, unless --dry-run, apply (asking
// unless --yes) and verify. Exit codes as `ops recoverdata plan` for the plan
// (1 when a partition is refused: nothing is applied), then as apply and
// verify: 0 only when every partition is recovered and verified.
#include "ops/recover/recover_command.h"

namespace kv::recover {
namespace {

class RecoverDataRunCommand : public RecoverDataCommand {
 public:
  std::vector<std::string> Path() const override { return {"recoverdata", "run"}; }
  std::string Help() const override {
    return "Collect, plan, apply and verify in one command; --dry-run stops after printing the plan";
  }

 protected:
  void AddCommandFlags(CLI::App* app) override {
    AddPlanFlags(app);
    AddApplyFlags(app);
    app->add_flag("--dry-run", dry_run_, "collect and plan, print the plan, change nothing");
  }
  Status CheckUsage() const override { return dry_run_ ? Status::OK() : CheckNamesCluster(); }
  int RunWith(Collection collection, const cli::CommonFlags& common) override {
    Plan plan;
    const int planned = PlanAndReport(collection, common, &plan);
    if (dry_run_ || planned != cli::kExitOk) return planned;
    return ApplyAndReport(plan, collection, common, /*then_verify=*/true);
  }

 private:
  bool dry_run_ = false;
};

}  // namespace
}  // namespace kv::recover

using kv::recover::RecoverDataRunCommand;
KV_REGISTER_COMMAND(RecoverDataRunCommand);
