// `ops delete TABLE KEY`: deletes one key (deleting an absent key succeeds).
#include "cli/table.h"
#include "ops/cluster_command.h"
#include "ops/write_report.h"

namespace kv::ops {
namespace {

class DeleteCommand : public ClusterCommand {
 public:
  std::vector<std::string> Path() const override { return {"delete"}; }
  std::string Help() const override { return "Delete KEY from TABLE (an absent key is not an error)"; }

 protected:
  void AddCommandFlags(CLI::App* app) override {
    app->add_option("table", table_, "table name")->required();
    app->add_option("key", key_, "key")->required();
  }
  int RunWith(client::Client& client, const cli::CommonFlags& common) override {
    auto ack = client.Delete(table_, key_);
    if (!ack.ok()) return Fail(ack.status());
    PrintWriteAck(table_, key_, *ack, common.json);
    return cli::kExitOk;
  }

 private:
  std::string table_, key_;
};

}  // namespace
}  // namespace kv::ops

using kv::ops::DeleteCommand;
KV_REGISTER_COMMAND(DeleteCommand);
