// `ops playground clean`: removes the playground's folder, data and logs
// included; refuses while any server it started still runs.
#include "cli/table.h"
#include "ops/exit_status.h"
#include "ops/playground/playground_command.h"

namespace kv::ops {
namespace {

class PlaygroundCleanCommand : public PlaygroundCommand {
 public:
  std::string Help() const override {
    return "Remove the playground's folder (data and logs); refuses while a server it started runs";
  }
  int Run(const cli::CommonFlags& common) override {
    const Status cleaned = Playground::Clean(dir());
    if (!cleaned.ok()) return Fail(cleaned);
    if (common.json) {
      cli::PrintJsonLine({{"removed", dir()}});
    } else {
      std::printf("removed %s\n", dir().c_str());
    }
    return cli::kExitOk;
  }

 protected:
  std::string Name() const override { return "clean"; }
};

}  // namespace
}  // namespace kv::ops

using kv::ops::PlaygroundCleanCommand;
KV_REGISTER_COMMAND(PlaygroundCleanCommand);
