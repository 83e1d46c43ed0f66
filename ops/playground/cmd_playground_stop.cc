// `ops playground stop SERVER`: SIGSTOP, a process that hangs without dying
// (the nameserver must detect it like a dead one).
#include <csignal>

#include "ops/playground/playground_command.h"

namespace kv::ops {
namespace {

class PlaygroundStopCommand : public PlaygroundSignalCommand {
 public:
  PlaygroundStopCommand()
      : PlaygroundSignalCommand("stop", SIGSTOP, "Pause a server with SIGSTOP (`cont` resumes it)", "stopped") {}
};

}  // namespace
}  // namespace kv::ops

using kv::ops::PlaygroundStopCommand;
KV_REGISTER_COMMAND(PlaygroundStopCommand);
