// `ops recoverdata run --dry-run`: the phases in one command: collect (online
// and offline reports), plan, print. Apply and verify are not built yet
// (docs/recoverdata.md), so run refuses without --dry-run rather than pretend.
// Exit codes as `ops recoverdata plan`.
#include "ops/recover/recover_command.h"

namespace kv::recover {
namespace {

class RecoverDataRunCommand : public RecoverDataCommand {
 public:
  std::vector<std::string> Path() const override { return {"recoverdata", "run"}; }
  std::string Help() const override {
    return "Collect, plan and (not yet) apply in one command; --dry-run stops after printing the plan";
  }

 protected:
  void AddCommandFlags(CLI::App* app) override {
    AddPlanFlags(app);
    app->add_flag("--dry-run", dry_run_, "collect and plan, print the plan, change nothing");
  }
  Status CheckUsage() const override {
    if (!dry_run_) {
      return Status::InvalidArgument(
          "recoverdata run only plans so far: give --dry-run (apply and verify are not built; docs/recoverdata.md)");
    }
    return Status::OK();
  }
  int RunWith(Collection collection, const cli::CommonFlags& common) override {
    return PlanAndReport(collection, common);
  }

 private:
  bool dry_run_ = false;
};

}  // namespace
}  // namespace kv::recover

using kv::recover::RecoverDataRunCommand;
KV_REGISTER_COMMAND(RecoverDataRunCommand);
