// `ops recoverdata apply --plan PLAN`: phase three, alone. Collects again
// (the same --ns and --offline as the plan), refuses a stale plan or one of
// another cluster, asks (unless --yes), then submits one kRecoverDataOP per
// partition and follows them (docs/recoverdata.md). Run again after Ctrl-C,
// a killed ops or a restarted nameserver: it follows the ops already
// submitted and finishes the job. Exit 0 when every partition the plan acts
// on is recovered; 1 when one failed, was refused or held, or the wait ended;
// 2 bad input (an unreadable or foreign plan file).
#include "common/file.h"
#include "ops/recover/recover_command.h"

namespace kv::recover {
namespace {

class RecoverDataApplyCommand : public RecoverDataCommand {
 public:
  std::vector<std::string> Path() const override { return {"recoverdata", "apply"}; }
  std::string Help() const override {
    return "Apply a plan file through the nameserver (one op per partition); resumable; asks unless --yes";
  }

 protected:
  void AddCommandFlags(CLI::App* app) override {
    app->add_option("--plan", plan_path_, "the plan file (`ops recoverdata plan -o`)")->required()->type_name("PLAN");
    AddApplyFlags(app);
  }
  // The plan file is read before anything is collected: bad input changes nothing and asks no one.
  Status CheckUsage() const override {
    KV_RETURN_IF_ERROR(CheckNamesCluster());
    auto text = ReadWholeFile(plan_path_);
    if (!text.ok()) return Status::InvalidArgument(text.status().message());
    KV_ASSIGN_OR_RETURN(plan_, ParsePlanJsonLines(*text, plan_path_));
    return Status::OK();
  }
  int RunWith(Collection collection, const cli::CommonFlags& common) override {
    return ApplyAndReport(plan_, collection, common, /*then_verify=*/false);
  }

 private:
  std::string plan_path_;
  mutable Plan plan_;  // read by CheckUsage
};

}  // namespace
}  // namespace kv::recover

using kv::recover::RecoverDataApplyCommand;
KV_REGISTER_COMMAND(RecoverDataApplyCommand);
