// `ops setreplicas TABLE N`: every partition of TABLE gets N replicas
// (kAddReplicaOP on the least loaded healthy tablets, or kDelReplicaOP of
// followers), like TiKV's `pd config set max-replicas`. Refused (exit 1) when
// N exceeds the healthy tablets or would leave a partition without a
// majority of alive replicas; N < 1 is bad usage (exit 2).
#include "ops/cluster_command.h"
#include "ops/exit_status.h"
#include "ops/submitted_ops.h"

namespace kv::ops {
namespace {

class SetReplicasCommand : public ClusterCommand {
 public:
  std::vector<std::string> Path() const override { return {"setreplicas"}; }
  std::string Help() const override { return "Set a table's replica count (one op per partition to change)"; }

 protected:
  void AddCommandFlags(CLI::App* app) override {
    app->add_option("table", table_, "table name")->required();
    app->add_option("n", n_, "replicas per partition (1-9)")->required()->check(CLI::Range(1, 9));
  }

  int RunWith(client::Client& client, const cli::CommonFlags& common) override {
    auto submitted = client.SetReplicas(table_, n_);
    if (!submitted.ok()) return ops::Fail(submitted.status());
    return ReportSubmitted(*submitted, "setreplicas " + table_ + " " + std::to_string(n_), common);
  }

 private:
  std::string table_;
  uint32_t n_ = 0;
};

}  // namespace
}  // namespace kv::ops

using kv::ops::SetReplicasCommand;
KV_REGISTER_COMMAND(SetReplicasCommand);
