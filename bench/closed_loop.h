// A closed-loop phase, as kv-bench and rpc-floor run them: --threads callers,
// each waiting for its op's answer before sending the next, for a duration or
// a count of ops; per phase ops/s, p50/p99 latency, and CPU time and context
// switches per op of the processes involved (proc_usage.h).
#pragma once

#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "bench/proc_usage.h"
#include "common/status.h"

namespace kv::bench {

struct PhaseResult {
  std::string phase;
  uint64_t ops = 0;
  uint64_t errors = 0;
  double seconds = 0;
  std::vector<uint32_t> latencies_us;  // sorted
  std::string first_error;
  // During the phase: this process, and the servers when known (a playground).
  ProcUsage client, servers;

  double PerOp(double total) const { return ops > 0 ? total / static_cast<double>(ops) : 0; }
  double CpuUsPerOp() const { return PerOp((client.cpu_seconds + servers.cpu_seconds) * 1e6); }
  double ClientCpuUsPerOp() const { return PerOp(client.cpu_seconds * 1e6); }
  double SwitchesPerOp() const { return PerOp(static_cast<double>(client.switches + servers.switches)); }
  double OpsPerSecond() const { return seconds > 0 ? ops / seconds : 0; }
  uint32_t Percentile(double p) const {
    if (latencies_us.empty()) return 0;
    return latencies_us[std::min(latencies_us.size() - 1, static_cast<size_t>(p * latencies_us.size()))];
  }
};

struct PhaseLimits {
  int threads = 16;
  double duration_s = 10;
  long long count = 0;  // > 0: this many ops in all instead of a duration
};

// Runs op(thread, seq) on every thread until the duration passes or the count
// is reached; seq counts each thread's own ops from 0. op returns a Status.
template <typename Op>
PhaseResult RunPhase(const std::string& phase, const PhaseLimits& limits, const std::vector<pid_t>& servers, Op op) {
  using Clock = std::chrono::steady_clock;
  struct PerThread {
    std::vector<uint32_t> latencies;
    uint64_t errors = 0;
    std::string first_error;
  };
  std::vector<PerThread> per(limits.threads);
  std::atomic<long long> remaining(limits.count);
  const ProcUsage client_before = ReadProcUsage(::getpid());
  const ProcUsage servers_before = ReadProcUsage(servers);
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(limits.duration_s));
  std::vector<std::thread> threads;
  for (int t = 0; t < limits.threads; ++t) {
    threads.emplace_back([&, t] {
      PerThread& mine = per[t];
      for (uint64_t seq = 0;; ++seq) {
        if (limits.count > 0 ? remaining.fetch_sub(1) <= 0 : Clock::now() >= end) break;
        const auto before = Clock::now();
        const Status s = op(t, seq);
        const auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - before).count();
        if (s.ok()) {
          mine.latencies.push_back(static_cast<uint32_t>(us));
        } else if (mine.errors++ == 0) {
          mine.first_error = s.message();
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  PhaseResult r;
  r.phase = phase;
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  r.client = ReadProcUsage(::getpid()) - client_before;
  r.servers = ReadProcUsage(servers) - servers_before;
  for (PerThread& p : per) {
    r.latencies_us.insert(r.latencies_us.end(), p.latencies.begin(), p.latencies.end());
    r.errors += p.errors;
    if (r.first_error.empty()) r.first_error = p.first_error;
  }
  r.ops = r.latencies_us.size();
  std::sort(r.latencies_us.begin(), r.latencies_us.end());
  return r;
}

// Prints the phases as a table, or with json one object per phase (its
// figures, then `context`'s fields); each phase's first error goes to stderr
// after `program: `.
void ReportPhases(const std::vector<PhaseResult>& results, bool json, const nlohmann::json& context,
                  const std::string& program);

}  // namespace kv::bench
