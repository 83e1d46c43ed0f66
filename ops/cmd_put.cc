// `ops put TABLE KEY VALUE`: writes one key through the partition's leader.
#include "cli/table.h"
#include "ops/cluster_command.h"
#include "ops/write_report.h"

namespace kv::ops {
namespace {

class PutCommand : public ClusterCommand {
 public:
  std::vector<std::string> Path() const override { return {"put"}; }
  std::string Help() const override { return "Write KEY = VALUE into TABLE (replacing any old value)"; }

 protected:
  void AddCommandFlags(CLI::App* app) override {
    app->add_option("table", table_, "table name")->required();
    app->add_option("key", key_, "key")->required();
    app->add_option("value", value_, "value")->required();
  }
  int RunWith(client::Client& client, const cli::CommonFlags& common) override {
    auto ack = client.Put(table_, key_, value_);
    if (!ack.ok()) return Fail(ack.status());
    PrintWriteAck(table_, key_, *ack, common.json);
    return cli::kExitOk;
  }

 private:
  std::string table_, key_, value_;
};

}  // namespace
}  // namespace kv::ops

using kv::ops::PutCommand;
KV_REGISTER_COMMAND(PutCommand);
