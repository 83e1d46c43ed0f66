// `ops recoverdata verify`: phase four, alone, read-only. Every partition
// (of --table, or of every table) has a live leader, its replica count of
// alive replicas, and every replica at the leader's last (term, offset) with
// its content checksum (ops/recover/verify.h). Asks again until that holds
// or --settle-s passes. Exit 0 when all are done; 1 naming those that are not.
#include "cli/table.h"
#include "ops/cluster_command.h"
#include "ops/recover/apply_report.h"

namespace kv::recover {
namespace {

class RecoverDataVerifyCommand : public ops::ClusterCommand {
 public:
  std::vector<std::string> Path() const override { return {"recoverdata", "verify"}; }
  std::string Help() const override {
    return "Check every partition is led, fully replicated and identical (content checksums); exit 1 naming "
           "what is undone";
  }

 protected:
  void AddCommandFlags(CLI::App* app) override {
    app->add_option("--table", tables_, "only this table (repeatable; default: every table)")->type_name("NAME");
    app->add_option("--settle-s", settle_s_, "ask again until done or this long")->type_name("S")->capture_default_str();
  }
  int RunWith(client::Client& client, const cli::CommonFlags& common) override {
    if (settle_s_ < 0) return Fail(Status::InvalidArgument("--settle-s must not be negative"));
    auto report = Verify(client, {tables_, std::chrono::seconds(settle_s_)});
    if (!report.ok()) return Fail(report.status());
    if (common.json) {
      cli::PrintJsonLine(VerifiedJson(*report));
    } else {
      PrintVerified(*report, stdout);
    }
    return report->Undone() == 0 ? cli::kExitOk : cli::kExitFailed;
  }

 private:
  std::vector<std::string> tables_;
  int settle_s_ = 30;
};

}  // namespace
}  // namespace kv::recover

using kv::recover::RecoverDataVerifyCommand;
KV_REGISTER_COMMAND(RecoverDataVerifyCommand);
