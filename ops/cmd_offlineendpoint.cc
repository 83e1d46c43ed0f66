// `ops offlineendpoint ENDPOINT`: takes every replica on ENDPOINT out: the
// partitions it leads get a new leader elsewhere (kChangeLeaderOP), its other
// replicas are marked not alive (kOfflineReplicaOP). auto_failover leaves
// them out until `ops recoverendpoint`.
#include "ops/cluster_command.h"
#include "ops/exit_status.h"
#include "ops/submitted_ops.h"

namespace kv::ops {
namespace {

class OfflineEndpointCommand : public ClusterCommand {
 public:
  std::vector<std::string> Path() const override { return {"offlineendpoint"}; }
  std::string Help() const override {
    return "Move leadership off a tablet and mark its replicas not alive (one op per partition)";
  }

 protected:
  void AddCommandFlags(CLI::App* app) override {
    app->add_option("endpoint", endpoint_, "the tablet (HOST:PORT)")->required();
  }

  int RunWith(client::Client& client, const cli::CommonFlags& common) override {
    auto submitted = client.OfflineEndpoint(endpoint_);
    if (!submitted.ok()) return ops::Fail(submitted.status());  // not a table: no showtable hint
    return ReportSubmitted(*submitted, "offlineendpoint " + endpoint_, common);
  }

 private:
  std::string endpoint_;
};

}  // namespace
}  // namespace kv::ops

using kv::ops::OfflineEndpointCommand;
KV_REGISTER_COMMAND(OfflineEndpointCommand);
