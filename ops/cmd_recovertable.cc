// `ops recovertable TABLE PID ENDPOINT`: brings the replica on ENDPOINT back
// as a follower of the current leader (kRecoverTableOP); is_alive yes once it
// has caught up. Refused onto a tablet that is not healthy.
#include "ops/cluster_command.h"
#include "ops/submitted_ops.h"

namespace kv::ops {
namespace {

class RecoverTableCommand : public ClusterCommand {
 public:
  std::vector<std::string> Path() const override { return {"recovertable"}; }
  std::string Help() const override {
    return "Recover one replica: follow the leader at the current term, catch up, then is_alive yes";
  }

 protected:
  void AddCommandFlags(CLI::App* app) override {
    app->add_option("table", table_, "table name")->required();
    app->add_option("pid", pid_, "partition id")->required();
    app->add_option("endpoint", endpoint_, "the tablet holding the replica (HOST:PORT)")->required();
  }

  int RunWith(client::Client& client, const cli::CommonFlags& common) override {
    auto submitted = client.RecoverTable(table_, pid_, endpoint_);
    if (!submitted.ok()) return Fail(submitted.status());
    return ReportSubmitted(*submitted, "recovertable " + table_ + " " + std::to_string(pid_) + " " + endpoint_, common);
  }

 private:
  std::string table_, endpoint_;
  uint32_t pid_ = 0;
};

}  // namespace
}  // namespace kv::ops

using kv::ops::RecoverTableCommand;
KV_REGISTER_COMMAND(RecoverTableCommand);
