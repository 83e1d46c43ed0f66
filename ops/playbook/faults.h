// The faults a playbook puts on a playground server's disk (the signals and
// restarts are ops/playground's). Both need the server down: a running
// server would not see the damage the way a real disk fault shows it.
#pragma once

#include <string>

#include "common/status.h"
#include "ops/playground/playground_state.h"

namespace kv::playbook {

// Deletes everything in the server's data dir but its stdout/stderr logs,
// as a replaced disk. FailedPrecondition while the server runs.
Result<std::string> WipeDataDir(const ops::ServerRecord& server);

// Where DamageWal hits the newest non-empty WAL segment of a replica.
enum class WalDamage {
  kMiddle,  // one byte flipped in its middle: bit rot inside the log
  kTail,    // its last bytes cut off: a write torn by a power cut
};

// Damages the WAL of the replica (tid, pid) in the server's data dir. What it
// did ("flipped byte 2114 of .../wal/0000...log"), or FailedPrecondition
// while the server runs, NotFound without that replica.
Result<std::string> DamageWal(const ops::ServerRecord& server, uint32_t tid, uint32_t pid, WalDamage where);

}  // namespace kv::playbook
