// go-ycsb's status and summary lines, one per operation type, so tools that
// read go-ycsb's output read ours:
//   READ   - Takes(s): 10.0, Count: 7948, OPS: 796.2, Avg(us): 395, Min(us): 72, Max(us): 20545,
//            50th(us): 301, 90th(us): 600, 95th(us): 800, 99th(us): 2000, 99.9th(us): 19000, 99.99th(us): 21000
// (one line). Failures of a type are their own type, "READ_ERROR".
#pragma once

#include <string>

#include "ops/bench/histogram.h"

namespace kv::bench {

// The percentiles go-ycsb reports: its label, the key of `ops bench --json`.
struct ReportedPercentile {
  const char* label;     // "99.9th"
  const char* json_key;  // "p999_us"
  double percent;        // 99.9
};
inline constexpr ReportedPercentile kReportedPercentiles[] = {
    {"50th", "p50_us", 50},   {"90th", "p90_us", 90},     {"95th", "p95_us", 95},
    {"99th", "p99_us", 99},   {"99.9th", "p999_us", 99.9}, {"99.99th", "p9999_us", 99.99}};

// `operation` ("READ", "UPDATE", "READ_ERROR", ...) over `seconds` of the run.
std::string StatusLine(const std::string& operation, double seconds, const LatencyHistogram& latencies);

}  // namespace kv::bench
