// `ops playground display`: each server the playground started and whether it
// is alive, stopped (SIGSTOP) or dead.
#include "ops/exit_status.h"
#include "ops/playground/playground_command.h"

namespace kv::ops {
namespace {

class PlaygroundDisplayCommand : public PlaygroundCommand {
 public:
  std::string Help() const override {
    return "Show each server of the playground: role, endpoint, pid, alive / stopped / dead";
  }
  int Run(const cli::CommonFlags& common) override {
    auto playground = Playground::Open(dir());
    if (!playground.ok()) return Fail(playground.status());
    PrintServers(playground->Display(), common.json);
    return cli::kExitOk;
  }

 protected:
  std::string Name() const override { return "display"; }
};

}  // namespace
}  // namespace kv::ops

using kv::ops::PlaygroundDisplayCommand;
KV_REGISTER_COMMAND(PlaygroundDisplayCommand);
