// `ops drop table NAME [--yes]`: removes a table. Asks first unless --yes; with
// nothing on stdin to answer, refuses (exit 2) rather than guess.
#include <cstdio>

#include "cli/table.h"
#include "ops/cluster_command.h"
#include "ops/confirm.h"

namespace kv::ops {
namespace {

class DropTableCommand : public ClusterCommand {
 public:
  std::vector<std::string> Path() const override { return {"drop", "table"}; }
  std::string Help() const override {
    return "Drop a table (its replicas' data goes to each tablet's quarantine); asks unless --yes";
  }

 protected:
  void AddCommandFlags(CLI::App* app) override {
    app->add_option("name", name_, "table name")->required();
    app->add_flag("--yes,-y", yes_, "do not ask for confirmation");
  }

  int RunWith(client::Client& client, const cli::CommonFlags& common) override {
    // Say so now if the table does not exist, rather than ask about it.
    auto shown = client.ShowTable(name_);
    if (!shown.ok()) return Fail(shown.status());
    if (!yes_) {
      auto confirmed = Confirm("drop table '" + name_ + "' and all its data?", stdin, stderr);
      if (!confirmed.ok()) return Fail(confirmed.status());
      if (!*confirmed) {
        std::fprintf(stderr, "ops: table '%s' was not dropped\n", name_.c_str());
        return cli::kExitFailed;
      }
    }
    const Status dropped = client.DropTable(name_);
    if (!dropped.ok()) return Fail(dropped);
    if (common.json) {
      cli::PrintJsonLine({{"table", name_}, {"dropped", true}});
    } else {
      std::printf("dropped table '%s'\n", name_.c_str());
    }
    return cli::kExitOk;
  }

 private:
  std::string name_;
  bool yes_ = false;
};

}  // namespace
}  // namespace kv::ops

using kv::ops::DropTableCommand;
KV_REGISTER_COMMAND(DropTableCommand);
