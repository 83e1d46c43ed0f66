// `ops recoverendpoint ENDPOINT`: recovers every not-alive replica on
// ENDPOINT (kRecoverTableOP), first giving a leader to any of its partitions
// that has none (kChangeLeaderOP). Refused while the tablet is not healthy.
#include "ops/cluster_command.h"
#include "ops/exit_status.h"
#include "ops/submitted_ops.h"

namespace kv::ops {
namespace {

class RecoverEndpointCommand : public ClusterCommand {
 public:
  std::vector<std::string> Path() const override { return {"recoverendpoint"}; }
  std::string Help() const override { return "Recover every not-alive replica on a tablet (one op per partition)"; }

 protected:
  void AddCommandFlags(CLI::App* app) override {
    app->add_option("endpoint", endpoint_, "the tablet (HOST:PORT)")->required();
  }

  int RunWith(client::Client& client, const cli::CommonFlags& common) override {
    auto submitted = client.RecoverEndpoint(endpoint_);
    if (!submitted.ok()) return ops::Fail(submitted.status());  // not a table: no showtable hint
    return ReportSubmitted(*submitted, "recoverendpoint " + endpoint_, common);
  }

 private:
  std::string endpoint_;
};

}  // namespace
}  // namespace kv::ops

using kv::ops::RecoverEndpointCommand;
KV_REGISTER_COMMAND(RecoverEndpointCommand);
