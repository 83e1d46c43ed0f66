// `ops playground kill SERVER`: SIGKILL, like a crash or a power cut.
#include <csignal>

#include "ops/playground/playground_command.h"

namespace kv::ops {
namespace {

class PlaygroundKillCommand : public PlaygroundSignalCommand {
 public:
  PlaygroundKillCommand()
      : PlaygroundSignalCommand("kill", SIGKILL, "Kill a server with SIGKILL (tablet-N, nameserver or an endpoint)",
                                "killed") {}
};

}  // namespace
}  // namespace kv::ops

using kv::ops::PlaygroundKillCommand;
KV_REGISTER_COMMAND(PlaygroundKillCommand);
