// `ops showtable [NAME]`: every replica of every partition, with OpenMLDB's
// columns (name, tid, pid, endpoint, role, term, is_alive, offset, record_cnt).
#include <cstdio>

#include "cli/table.h"
#include "cluster/proto/enum_names.h"
#include "ops/cluster_command.h"
#include "ops/display.h"

namespace kv::ops {
namespace {

class ShowTableCommand : public ClusterCommand {
 public:
  std::vector<std::string> Path() const override { return {"showtable"}; }
  std::string Help() const override { return "Show the replicas of one table, or of every table"; }

 protected:
  void AddCommandFlags(CLI::App* app) override { app->add_option("name", name_, "table name (default: all)"); }

  int RunWith(client::Client& client, const cli::CommonFlags& common) override {
    auto tables = client.ShowTable(name_);
    if (!tables.ok()) return Fail(tables.status());
    for (const v1::TableInfo& t : *tables) {
      // A table still being created (or dropped, or whose creation failed) says so.
      if (!t.state().empty() && t.state() != names::TableStateName(names::TableState::kNormal)) {
        std::fprintf(stderr, "note: table '%s' is %s\n", t.name().c_str(), t.state().c_str());
      }
    }
    PrintReplicaRows(ReplicaRows(*tables), common.json);
    return cli::kExitOk;
  }

 private:
  std::string name_;
};

}  // namespace
}  // namespace kv::ops

using kv::ops::ShowTableCommand;
KV_REGISTER_COMMAND(ShowTableCommand);
