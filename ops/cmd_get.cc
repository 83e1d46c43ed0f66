// `ops get TABLE KEY`: reads one key from the partition's leader; exit 1 when absent.
#include "cli/table.h"
#include "ops/cluster_command.h"

namespace kv::ops {
namespace {

class GetCommand : public ClusterCommand {
 public:
  std::vector<std::string> Path() const override { return {"get"}; }
  std::string Help() const override {
    return "Print the value of KEY in TABLE (non-printable bytes as \\xNN); exit 1 when the key is absent";
  }

 protected:
  void AddCommandFlags(CLI::App* app) override {
    app->add_option("table", table_, "table name")->required();
    app->add_option("key", key_, "key")->required();
  }
  int RunWith(client::Client& client, const cli::CommonFlags& common) override {
    auto value = client.Get(table_, key_);
    if (!value.ok()) return Fail(value.status());
    if (common.json) {
      nlohmann::json j = {{"table", table_}, {"key", cli::Printable(key_)}, {"found", value->has_value()}};
      if (value->has_value()) j["value"] = cli::Printable(**value);
      cli::PrintJsonLine(j);
    }
    if (!value->has_value()) {
      std::fprintf(stderr, "ops: key '%s' not found in table '%s'\n", cli::Printable(key_).c_str(), table_.c_str());
      return cli::kExitFailed;
    }
    if (!common.json) std::printf("%s\n", cli::Printable(**value).c_str());
    return cli::kExitOk;
  }

 private:
  std::string table_, key_;
};

}  // namespace
}  // namespace kv::ops

using kv::ops::GetCommand;
KV_REGISTER_COMMAND(GetCommand);
