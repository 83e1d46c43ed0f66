// `ops playground down`: stops every server the playground started, by PID:
// SIGTERM (after SIGCONT, so a stopped one can exit), then SIGKILL after the timeout.
#include "cli/table.h"
#include "ops/exit_status.h"
#include "ops/playground/playground_command.h"

namespace kv::ops {
namespace {

class PlaygroundDownCommand : public PlaygroundCommand {
 public:
  std::string Help() const override {
    return "Stop every server the playground started (SIGTERM, then SIGKILL after --timeout-ms); keeps the data";
  }
  int Run(const cli::CommonFlags& common) override {
    auto grace = timeout();
    if (!grace.ok()) return Fail(grace.status());
    auto playground = Playground::Open(dir());
    if (!playground.ok()) return Fail(playground.status());
    auto outcomes = playground->Down(*grace);
    if (!outcomes.ok()) return Fail(outcomes.status());
    cli::Table table({"name", "endpoint", "pid", "outcome"});
    for (size_t i = 0; i < outcomes->size(); ++i) {
      const ServerRecord& s = playground->state().servers[i];
      const char* outcome = StopOutcomeName((*outcomes)[i]);
      if (common.json) {
        cli::PrintJsonLine({{"name", s.name}, {"endpoint", s.endpoint}, {"pid", s.process.pid}, {"outcome", outcome}});
      } else {
        table.AddRow({s.name, s.endpoint, std::to_string(s.process.pid), outcome});
      }
    }
    if (!common.json) table.Print();
    return cli::kExitOk;
  }

 protected:
  std::string Name() const override { return "down"; }
  void AddCommandFlags(CLI::App* app) override {
    AddTimeoutFlag(app, 10000, "how long servers get to exit after SIGTERM before SIGKILL");
  }
};

}  // namespace
}  // namespace kv::ops

using kv::ops::PlaygroundDownCommand;
KV_REGISTER_COMMAND(PlaygroundDownCommand);
