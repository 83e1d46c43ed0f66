#include "bench/closed_loop.h"

#include <cstdio>

#include "cli/table.h"

namespace kv::bench {

void ReportPhases(const std::vector<PhaseResult>& results, bool json, const nlohmann::json& context,
                  const std::string& program) {
  cli::Table out(
      {"phase", "ops", "errors", "seconds", "ops/s", "p50 us", "p99 us", "cpu us/op", "client cpu us/op", "switches/op"});
  for (const PhaseResult& r : results) {
    if (json) {
      nlohmann::json line = {{"phase", r.phase},
                             {"ops", r.ops},
                             {"errors", r.errors},
                             {"seconds", r.seconds},
                             {"ops_per_s", r.OpsPerSecond()},
                             {"p50_us", r.Percentile(0.50)},
                             {"p99_us", r.Percentile(0.99)},
                             {"cpu_us_per_op", r.CpuUsPerOp()},
                             {"client_cpu_us_per_op", r.ClientCpuUsPerOp()},
                             {"switches_per_op", r.SwitchesPerOp()}};
      line.update(context);
      cli::PrintJsonLine(line);
    } else {
      char secs[32], rate[32], cpu[32], client_cpu[32], switches[32];
      std::snprintf(secs, sizeof secs, "%.2f", r.seconds);
      std::snprintf(rate, sizeof rate, "%.0f", r.OpsPerSecond());
      std::snprintf(cpu, sizeof cpu, "%.0f", r.CpuUsPerOp());
      std::snprintf(client_cpu, sizeof client_cpu, "%.0f", r.ClientCpuUsPerOp());
      std::snprintf(switches, sizeof switches, "%.1f", r.SwitchesPerOp());
      out.AddRow({r.phase, std::to_string(r.ops), std::to_string(r.errors), secs, rate,
                  std::to_string(r.Percentile(0.50)), std::to_string(r.Percentile(0.99)), cpu, client_cpu, switches});
    }
    if (r.errors > 0) {
      std::fprintf(stderr, "%s: %s: first error: %s\n", program.c_str(), r.phase.c_str(), r.first_error.c_str());
    }
  }
  if (!json) out.Print();
}

}  // namespace kv::bench
