// `ops playground restart SERVER`: kill it if it runs, start it again on the
// same endpoint with the same data dir, wait until it serves.
#include "ops/exit_status.h"
#include "ops/playground/playground_command.h"

namespace kv::ops {
namespace {

class PlaygroundRestartCommand : public PlaygroundCommand {
 public:
  std::string Help() const override {
    return "Kill a server if it runs and start it again on the same endpoint and data dir";
  }
  int Run(const cli::CommonFlags& common) override {
    auto wait = timeout();
    if (!wait.ok()) return Fail(wait.status());
    auto playground = Playground::Open(dir());
    if (!playground.ok()) return Fail(playground.status());
    auto restarted = playground->Restart(server_, *wait);
    if (!restarted.ok()) return Fail(restarted.status());
    PrintServers({{*restarted, Probe(restarted->process)}}, common.json);
    return cli::kExitOk;
  }

 protected:
  std::string Name() const override { return "restart"; }
  void AddCommandFlags(CLI::App* app) override {
    app->add_option("server", server_, "tablet-N, nameserver, or an endpoint")->required();
    AddTimeoutFlag(app, 30000, "how long the server may take to serve again");
  }

 private:
  std::string server_;
};

}  // namespace
}  // namespace kv::ops

using kv::ops::PlaygroundRestartCommand;
KV_REGISTER_COMMAND(PlaygroundRestartCommand);
