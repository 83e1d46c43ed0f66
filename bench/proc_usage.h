// CPU time and context switches of a set of processes, from /proc, for
// kv-bench's cost per write (docs/benchmarks.md): on a shared, saturated
// machine ops/s is noisy, CPU time per op much less so.
//
// CPU is utime + stime of /proc/<pid>/stat (the whole process, threads that
// ended included). Switches are summed over /proc/<pid>/task/*/status
// (voluntary + nonvoluntary): a thread that ends between two samples takes
// its switches with it, so the count is a lower bound.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <vector>

namespace kv::bench {

struct ProcUsage {
  double cpu_seconds = 0;
  uint64_t switches = 0;

  ProcUsage operator-(const ProcUsage& o) const { return {cpu_seconds - o.cpu_seconds, switches - o.switches}; }
  ProcUsage operator+(const ProcUsage& o) const { return {cpu_seconds + o.cpu_seconds, switches + o.switches}; }
};

// A process that is gone (or unreadable) counts as zero.
ProcUsage ReadProcUsage(pid_t pid);
ProcUsage ReadProcUsage(const std::vector<pid_t>& pids);

}  // namespace kv::bench
