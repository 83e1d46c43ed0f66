// Where a playbook run is, DIR/state.json, saved after every step (and when
// it stops), so `ops playbook run --resume` continues after Ctrl-C, a failed
// step or a crash of the runner: the next step to run (a failed or
// interrupted step runs again), the values captured, the workloads that were
// running (started again, their ledgers appended to), and the report so far.
// Versioned (docs/FORMATS.md "playbook run state"), written atomically.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "ops/playbook/expand.h"
#include "ops/playbook/report.h"
#include "ops/playbook/workload_step.h"

namespace kv::playbook {

inline constexpr int kRunStateFormatVersion = 1;

struct RunState {
  std::string playbook;     // the file, as given
  std::string fingerprint;  // Playbook::fingerprint
  size_t next_step = 0;     // 0-based; == steps.size() when finished
  int64_t started_unix_ms = 0;
  Variables captured;
  std::vector<WorkloadSpec> running;
  Report report;
};

std::string RunStatePath(const std::string& dir);
Status SaveRunState(const RunState& state, const std::string& dir);
// NotFound without a state file; InvalidArgument for a damaged or newer one.
Result<RunState> LoadRunState(const std::string& dir);

}  // namespace kv::playbook
