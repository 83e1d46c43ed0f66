#include "bench/read_command.h"

namespace kv::bench {
namespace {
class ScanCommand : public ReadCommand {
 public:
  ScanCommand()
      : ReadCommand("scan",
                    "Read every record of a WAL (checksums checked, damage counted) and compare the "
                    "MB/s with cat's over the same files",
                    /*decode_ops=*/false) {}
};
}  // namespace
KV_REGISTER_COMMAND(ScanCommand)
}  // namespace kv::bench
