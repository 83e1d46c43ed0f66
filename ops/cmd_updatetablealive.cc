// `ops updatetablealive TABLE PID|* ENDPOINT yes|no`: sets is_alive of the
// replica(s) on ENDPOINT in the metadata only (kUpdateTableAliveOP), as
// OpenMLDB's command: nothing is told to the tablets.
#include "ops/cluster_command.h"
#include "ops/submitted_ops.h"

namespace kv::ops {
namespace {

class UpdateTableAliveCommand : public ClusterCommand {
 public:
  std::vector<std::string> Path() const override { return {"updatetablealive"}; }
  std::string Help() const override {
    return "Set is_alive of a replica in the metadata only (PID * = every partition of the table on ENDPOINT)";
  }

 protected:
  void AddCommandFlags(CLI::App* app) override {
    app->add_option("table", table_, "table name")->required();
    app->add_option("pid", pid_, "partition id, or * for every partition")->required();
    app->add_option("endpoint", endpoint_, "the tablet holding the replica (HOST:PORT)")->required();
    app->add_option("is_alive", alive_, "yes or no")->required();
  }

  int RunWith(client::Client& client, const cli::CommonFlags& common) override {
    std::optional<uint32_t> pid;
    if (pid_ != "*") {
      if (pid_.empty() || pid_.size() > 9 || pid_.find_first_not_of("0123456789") != std::string::npos) {
        return Fail(Status::InvalidArgument("pid '" + pid_ + "' is neither a partition id nor *"));
      }
      pid = static_cast<uint32_t>(std::stoul(pid_));
    }
    if (alive_ != "yes" && alive_ != "no") {
      return Fail(Status::InvalidArgument("is_alive '" + alive_ + "' is neither yes nor no"));
    }
    auto submitted = client.UpdateTableAlive(table_, pid, endpoint_, alive_ == "yes");
    if (!submitted.ok()) return Fail(submitted.status());
    return ReportSubmitted(*submitted, "updatetablealive " + table_ + " " + pid_ + " " + endpoint_ + " " + alive_,
                           common);
  }

 private:
  std::string table_, pid_, endpoint_, alive_;
};

}  // namespace
}  // namespace kv::ops

using kv::ops::UpdateTableAliveCommand;
KV_REGISTER_COMMAND(UpdateTableAliveCommand);
