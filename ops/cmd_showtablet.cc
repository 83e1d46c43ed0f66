// `ops showtablet`: the tablets the nameserver knows, their state and age.
#include "cli/table.h"
#include "ops/cluster_command.h"
#include "ops/display.h"

namespace kv::ops {
namespace {

class ShowTabletCommand : public ClusterCommand {
 public:
  std::vector<std::string> Path() const override { return {"showtablet"}; }
  std::string Help() const override {
    return "Show every tablet: endpoint, state (kTabletHealthy / kTabletOffline), age since its last state change, "
           "whether offlineendpoint took it out";
  }

 protected:
  void AddCommandFlags(CLI::App*) override {}

  int RunWith(client::Client& client, const cli::CommonFlags& common) override {
    auto tablets = client.ShowTablet();
    if (!tablets.ok()) return Fail(tablets.status());
    cli::Table table({"endpoint", "state", "age", "taken_offline"});
    for (const v1::TabletInfo& t : *tablets) {
      if (common.json) {
        cli::PrintJsonLine({{"endpoint", t.endpoint()},
                            {"state", t.state()},
                            {"age_ms", t.age_ms()},
                            {"last_heartbeat_ms_ago", t.last_heartbeat_ms_ago()},
                            {"taken_offline", t.taken_offline()}});
      } else {
        table.AddRow({t.endpoint(), t.state(), HumanAge(t.age_ms()), t.taken_offline() ? "yes" : "no"});
      }
    }
    if (!common.json) table.Print();
    return cli::kExitOk;
  }
};

}  // namespace
}  // namespace kv::ops

using kv::ops::ShowTabletCommand;
KV_REGISTER_COMMAND(ShowTabletCommand);
