#include "ops/bench/status_line.h"

#include <cstdio>

namespace kv::bench {

std::string StatusLine(const std::string& operation, double seconds, const LatencyHistogram& h) {
  char head[256];
  const double ops = seconds > 0 ? double(h.count()) / seconds : 0;
  std::snprintf(head, sizeof head, "%-6s - Takes(s): %.1f, Count: %llu, OPS: %.1f, Avg(us): %.0f, Min(us): %llu, Max(us): %llu",
                operation.c_str(), seconds, static_cast<unsigned long long>(h.count()), ops, h.mean(),
                static_cast<unsigned long long>(h.min()), static_cast<unsigned long long>(h.max()));
  std::string line = head;
  for (const ReportedPercentile& p : kReportedPercentiles) {
    line += std::string(", ") + p.label + "(us): " + std::to_string(h.Percentile(p.percent));
  }
  return line;
}

}  // namespace kv::bench
