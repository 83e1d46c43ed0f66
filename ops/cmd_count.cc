// `ops count TABLE`: the number of keys, summed over the partitions' leaders.
#include "cli/table.h"
#include "ops/cluster_command.h"

namespace kv::ops {
namespace {

class CountCommand : public ClusterCommand {
 public:
  std::vector<std::string> Path() const override { return {"count"}; }
  std::string Help() const override { return "Print the number of keys in TABLE"; }

 protected:
  void AddCommandFlags(CLI::App* app) override { app->add_option("table", table_, "table name")->required(); }
  int RunWith(client::Client& client, const cli::CommonFlags& common) override {
    auto count = client.Count(table_);
    if (!count.ok()) return Fail(count.status());
    if (common.json) {
      cli::PrintJsonLine({{"table", table_}, {"count", *count}});
    } else {
      std::printf("%llu\n", static_cast<unsigned long long>(*count));
    }
    return cli::kExitOk;
  }

 private:
  std::string table_;
};

}  // namespace
}  // namespace kv::ops

using kv::ops::CountCommand;
KV_REGISTER_COMMAND(CountCommand);
