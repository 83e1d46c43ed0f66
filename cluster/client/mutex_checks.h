// gRPC locks absl::Mutex on every call. The distribution's absl is built
// without NDEBUG, so each lock and each destroyed mutex also updates absl's
// deadlock-detection graph under one process-wide lock: 2-3 % of a tablet's
// CPU under kv-bench, plus waits on that lock (docs/benchmarks.md). Servers
// and benchmarks switch the detection off at startup; tests keep it.
#pragma once

#include <absl/synchronization/mutex.h>

namespace kv::client {

inline void DisableMutexDeadlockDetection() { absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore); }

}  // namespace kv::client
