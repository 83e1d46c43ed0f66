// `ops confget [KEY]`: the cluster's settings (e.g. auto_failover).
#include "cli/table.h"
#include "ops/cluster_command.h"

namespace kv::ops {
namespace {

class ConfGetCommand : public ClusterCommand {
 public:
  std::vector<std::string> Path() const override { return {"confget"}; }
  std::string Help() const override { return "Show one cluster setting, or all of them"; }

 protected:
  void AddCommandFlags(CLI::App* app) override { app->add_option("key", key_, "setting (default: all)"); }

  int RunWith(client::Client& client, const cli::CommonFlags& common) override {
    auto values = client.ConfGet(key_);
    if (!values.ok()) return Fail(values.status());
    cli::Table table({"key", "value"});
    for (const auto& [key, value] : *values) {
      if (common.json) {
        cli::PrintJsonLine({{"key", key}, {"value", value}});
      } else {
        table.AddRow({key, value});
      }
    }
    if (!common.json) table.Print();
    return cli::kExitOk;
  }

 private:
  std::string key_;
};

}  // namespace
}  // namespace kv::ops

using kv::ops::ConfGetCommand;
KV_REGISTER_COMMAND(ConfGetCommand);
