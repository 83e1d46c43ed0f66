#include "ops/bench/status_line.h"

#include <cstdio>

namespace kv::bench {

std::string StatusLine(const std::string& operation, double seconds, const LatencyHistogram& h) {
  char line[512];
  const double ops = seconds > 0 ? double(h.count()) / seconds : 0;
  std::snprintf(line, sizeof line,
                "%-6s - Takes(s): %.1f, Count: %llu, OPS: %.1f, Avg(us): %.0f, Min(us): %llu, Max(us): %llu, "
                "50th(us): %llu, 90th(us): %llu, 95th(us): %llu, 99th(us): %llu, 99.9th(us): %llu, 99.99th(us): %llu",
                operation.c_str(), seconds, static_cast<unsigned long long>(h.count()), ops, h.mean(),
                static_cast<unsigned long long>(h.min()), static_cast<unsigned long long>(h.max()),
                static_cast<unsigned long long>(h.Percentile(50)), static_cast<unsigned long long>(h.Percentile(90)),
                static_cast<unsigned long long>(h.Percentile(95)), static_cast<unsigned long long>(h.Percentile(99)),
                static_cast<unsigned long long>(h.Percentile(99.9)),
                static_cast<unsigned long long>(h.Percentile(99.99)));
  return line;
}

}  // namespace kv::bench
