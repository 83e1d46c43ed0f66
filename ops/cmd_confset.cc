// `ops confset KEY VALUE`: changes a cluster setting; the nameserver refuses
// unknown keys and bad values.
#include "cli/table.h"
#include "ops/cluster_command.h"

namespace kv::ops {
namespace {

class ConfSetCommand : public ClusterCommand {
 public:
  std::vector<std::string> Path() const override { return {"confset"}; }
  std::string Help() const override { return "Change a cluster setting (see `ops confget` for the keys)"; }

 protected:
  void AddCommandFlags(CLI::App* app) override {
    app->add_option("key", key_, "setting")->required();
    app->add_option("value", value_, "new value")->required();
  }

  int RunWith(client::Client& client, const cli::CommonFlags& common) override {
    const Status set = client.ConfSet(key_, value_);
    if (!set.ok()) return Fail(set);
    if (common.json) {
      cli::PrintJsonLine({{"key", key_}, {"value", value_}});
    } else {
      std::printf("set %s = %s\n", key_.c_str(), value_.c_str());
    }
    return cli::kExitOk;
  }

 private:
  std::string key_, value_;
};

}  // namespace
}  // namespace kv::ops

using kv::ops::ConfSetCommand;
KV_REGISTER_COMMAND(ConfSetCommand);
