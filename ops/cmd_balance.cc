// `ops balance`: one balancer round. Each planned move (replicas and leaders
// per tablet within one, per table and then across tables) is submitted as an
// op and printed with its id; run it again once they are final (`ops
// showopstatus`) until it says "nothing to do". Exit 1 when a move was refused.
#include "ops/cluster_command.h"
#include "ops/exit_status.h"
#include "ops/submitted_ops.h"

namespace kv::ops {
namespace {

class BalanceCommand : public ClusterCommand {
 public:
  std::vector<std::string> Path() const override { return {"balance"}; }
  std::string Help() const override { return "Move replicas and leaders so every tablet carries an even share"; }

 protected:
  void AddCommandFlags(CLI::App*) override {}

  int RunWith(client::Client& client, const cli::CommonFlags& common) override {
    auto submitted = client.Balance();
    if (!submitted.ok()) return ops::Fail(submitted.status());
    return ReportSubmitted(*submitted, "balance", common);
  }
};

}  // namespace
}  // namespace kv::ops

using kv::ops::BalanceCommand;
KV_REGISTER_COMMAND(BalanceCommand);
