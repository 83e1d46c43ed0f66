// `ops cancelop ID`: cancels an unfinished op. A queued op never starts; a
// running task is asked to stop and no later task starts (cluster/op/README.md).
#include <cstdio>

#include "cli/table.h"
#include "ops/cluster_command.h"
#include "ops/exit_status.h"

namespace kv::ops {
namespace {

class CancelOpCommand : public ClusterCommand {
 public:
  std::vector<std::string> Path() const override { return {"cancelop"}; }
  std::string Help() const override { return "Cancel an unfinished op (see `ops showopstatus`)"; }

 protected:
  void AddCommandFlags(CLI::App* app) override { app->add_option("id", id_, "op id")->required(); }

  int RunWith(client::Client& client, const cli::CommonFlags& common) override {
    const Status canceled = client.CancelOp(id_);
    if (!canceled.ok()) return ops::Fail(canceled);  // not a table: no showtable hint
    if (common.json) {
      cli::PrintJsonLine({{"op_id", id_}, {"canceled", true}});
    } else {
      std::printf("canceled op %llu\n", static_cast<unsigned long long>(id_));
    }
    return cli::kExitOk;
  }

 private:
  uint64_t id_ = 0;
};

}  // namespace
}  // namespace kv::ops

using kv::ops::CancelOpCommand;
KV_REGISTER_COMMAND(CancelOpCommand);
