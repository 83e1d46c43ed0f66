#include "bench/proc_usage.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace kv::bench {
namespace {

double CpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");  // a stream: /proc files report size 0
  std::string text;
  if (!std::getline(in, text)) return 0;
  const size_t paren = text.rfind(')');  // comm may hold spaces and parentheses
  if (paren == std::string::npos) return 0;
  std::istringstream fields(text.substr(paren + 1));
  std::string skip;
  for (int field = 3; field < 14; ++field) fields >> skip;  // state .. cmajflt
  uint64_t utime = 0, stime = 0;
  fields >> utime >> stime;
  if (!fields) return 0;
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

uint64_t ThreadSwitches(const std::filesystem::path& status) {
  std::ifstream in(status);
  uint64_t total = 0;
  for (std::string line; std::getline(in, line);) {
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string name = line.substr(0, colon);
    if (name == "voluntary_ctxt_switches" || name == "nonvoluntary_ctxt_switches") {
      total += std::stoull(line.substr(colon + 1));
    }
  }
  return total;
}

}  // namespace

ProcUsage ReadProcUsage(pid_t pid) {
  ProcUsage u;
  u.cpu_seconds = CpuSeconds(pid);
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    u.switches += ThreadSwitches(task.path() / "status");
  }
  return u;
}

ProcUsage ReadProcUsage(const std::vector<pid_t>& pids) {
  ProcUsage total;
  for (pid_t pid : pids) total = total + ReadProcUsage(pid);
  return total;
}

}  // namespace kv::bench
