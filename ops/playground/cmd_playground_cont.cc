// `ops playground cont SERVER`: SIGCONT, resuming a stopped server.
#include <csignal>

#include "ops/playground/playground_command.h"

namespace kv::ops {
namespace {

class PlaygroundContCommand : public PlaygroundSignalCommand {
 public:
  PlaygroundContCommand()
      : PlaygroundSignalCommand("cont", SIGCONT, "Resume a server paused by `stop` (SIGCONT)", "resumed") {}
};

}  // namespace
}  // namespace kv::ops

using kv::ops::PlaygroundContCommand;
KV_REGISTER_COMMAND(PlaygroundContCommand);
