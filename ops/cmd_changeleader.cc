// `ops changeleader TABLE PID [--candidate EP]`: a new leader for one
// partition (kChangeLeaderOP, OpenMLDB's command): the replica with the
// greatest (last term, last offset), or the candidate unless it is behind.
#include "ops/cluster_command.h"
#include "ops/submitted_ops.h"

namespace kv::ops {
namespace {

class ChangeLeaderCommand : public ClusterCommand {
 public:
  std::vector<std::string> Path() const override { return {"changeleader"}; }
  std::string Help() const override {
    return "Give a partition a new leader at a new term (refused when the candidate is behind another replica)";
  }

 protected:
  void AddCommandFlags(CLI::App* app) override {
    app->add_option("table", table_, "table name")->required();
    app->add_option("pid", pid_, "partition id")->required();
    app->add_option("--candidate", candidate_, "the replica to lead (HOST:PORT); default: the most up to date")
        ->type_name("ENDPOINT");
  }

  int RunWith(client::Client& client, const cli::CommonFlags& common) override {
    auto submitted = client.ChangeLeader(table_, pid_, candidate_);
    if (!submitted.ok()) return Fail(submitted.status());
    return ReportSubmitted(*submitted, "changeleader " + table_ + " " + std::to_string(pid_), common);
  }

 private:
  std::string table_, candidate_;
  uint32_t pid_ = 0;
};

}  // namespace
}  // namespace kv::ops

using kv::ops::ChangeLeaderCommand;
KV_REGISTER_COMMAND(ChangeLeaderCommand);
