#include "bench/read_command.h"

namespace kv::bench {
namespace {
class VerifyCommand : public ReadCommand {
 public:
  VerifyCommand()
      : ReadCommand("verify",
                    "Read every record of a WAL and decode every payload into its ops, as a replay "
                    "would; compare the MB/s with cat's over the same files",
                    /*decode_ops=*/true) {}
};
}  // namespace
KV_REGISTER_COMMAND(VerifyCommand)
}  // namespace kv::bench
