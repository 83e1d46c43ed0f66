// Runs a YCSB workload against a table of a store (store.h: the replicated
// store through its client for `ops bench load|run`): the load phase
// inserts items 0..recordcount-1; the run phase does operationcount
// operations of the workload's mix on the records key_chooser.h picks.
// threadcount threads; closed loop (each thread sends when its last answer
// came), or, with a target rate, open loop: operation i is due at start +
// i / target, and its latency counts from when it was due, so a stall shows
// in the latencies instead of being hidden (coordinated omission).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "common/status.h"
#include "ops/bench/histogram.h"
#include "ops/bench/ledger.h"
#include "ops/bench/store.h"
#include "ops/bench/workload.h"

namespace kv::client {
class Client;
}

namespace kv::bench {

enum class Phase { kLoad, kRun };

// One second of a run (the time series of `ops bench --json` and of a
// playbook's report): what completed in (t - 1, t], t seconds after the start
// (the last point's t may be fractional). Errors are not in the percentiles.
struct SecondPoint {
  double t = 0;
  uint64_t ops = 0;     // operations that succeeded
  uint64_t errors = 0;  // operations that failed
  uint64_t p50_us = 0, p99_us = 0, max_us = 0;
};

struct RunOptions {
  Phase phase = Phase::kRun;
  std::string table;
  uint64_t seed = 1;
  LedgerWriter* ledger = nullptr;  // every acknowledged write goes there as it is acknowledged
  // Called every status.interval seconds with the lines so far (go-ycsb's:
  // cumulative since the start, one per operation type).
  std::function<void(const std::vector<std::string>& lines)> status;
  // Called at the end of every second with its point (and once more for the
  // last part second, when it completed anything).
  std::function<void(const SecondPoint& point)> each_second;
  // When set and it turns true, the workers stop after their current
  // operation (a playbook's background workload that is stopped by name).
  const std::atomic<bool>* stop = nullptr;
};

inline constexpr std::string_view kErrorSuffix = "_ERROR";  // go-ycsb's name of a type's failures: "READ_ERROR"

struct RunResult {
  double seconds = 0;
  // "INSERT", "READ", "UPDATE", "SCAN", "READ_MODIFY_WRITE", and "<TYPE>_ERROR" for failures.
  std::map<std::string, LatencyHistogram> by_operation;
  uint64_t operations = 0, errors = 0;
  std::string first_error;  // the first failure's message, for the operator
  std::vector<SecondPoint> series;  // one point per second, in order
};

// {"t": 1.0, "ops": N, "errors": N, "p50_us": N, "p99_us": N, "max_us": N},
// as `ops bench --json` and a playbook's report write a point.
nlohmann::json PointJson(const SecondPoint& point);
Result<SecondPoint> PointFromJson(const nlohmann::json& j);

// The latencies of every operation of the result that succeeded (all types
// but the <TYPE>_ERROR ones, merged).
LatencyHistogram SuccessLatencies(const RunResult& r);

// The status lines of a result (StatusLine of each type, by name).
std::vector<std::string> StatusLines(const RunResult& r);

// InvalidArgument when the table is missing from the options.
Result<RunResult> RunWorkload(Store& store, const Workload& workload, const RunOptions& options);
// The same against the replicated store, through its client (client_store.h).
Result<RunResult> RunWorkload(client::Client& client, const Workload& workload, const RunOptions& options);

}  // namespace kv::bench
