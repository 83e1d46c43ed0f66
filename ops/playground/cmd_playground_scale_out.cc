// `ops playground scale-out --tablets K`: K more tablets join the cluster.
#include "ops/exit_status.h"
#include "ops/playground/playground_command.h"

namespace kv::ops {
namespace {

class PlaygroundScaleOutCommand : public PlaygroundCommand {
 public:
  std::string Help() const override { return "Start K more tablets and wait until the nameserver sees them healthy"; }
  int Run(const cli::CommonFlags& common) override {
    auto wait = timeout();
    if (!wait.ok()) return Fail(wait.status());
    auto playground = Playground::Open(dir());
    if (!playground.ok()) return Fail(playground.status());
    auto added = playground->ScaleOut(tablets_, *wait);
    if (!added.ok()) return Fail(added.status());
    std::vector<ServerView> views;
    for (const ServerRecord& s : *added) views.push_back({s, Probe(s.process)});
    PrintServers(views, common.json);
    return cli::kExitOk;
  }

 protected:
  std::string Name() const override { return "scale-out"; }
  void AddCommandFlags(CLI::App* app) override {
    app->add_option("--tablets", tablets_, "how many tablets to add")->required();
    AddTimeoutFlag(app, 30000, "how long the new tablets may take to come up");
  }

 private:
  int tablets_ = 0;
};

}  // namespace
}  // namespace kv::ops

using kv::ops::PlaygroundScaleOutCommand;
KV_REGISTER_COMMAND(PlaygroundScaleOutCommand);
