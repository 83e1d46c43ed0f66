// A YCSB workload as `ops bench` will run it (issue 17): YCSB's property
// files (`-P FILE`, several allowed, later ones win) and `-p key=value`
// overrides, read into the properties the core workload uses. The six
// standard core workloads are in playbooks/workloads/ (YCSB's values).
// Unknown keys are kept (YCSB ignores what a workload does not read) and
// listed, so a typo can be shown; a malformed line or value is an error
// naming the file and line (or the override).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"

namespace kv::bench {

enum class Distribution { kUniform, kZipfian, kLatest };
const char* DistributionName(Distribution d);  // "uniform", "zipfian", "latest"

struct Workload {
  uint64_t record_count = 1000;     // recordcount: keys the load phase inserts
  uint64_t operation_count = 1000;  // operationcount: operations of the run phase
  uint32_t thread_count = 1;        // threadcount
  double target_ops = 0;            // target: ops/s over all threads, open loop; 0: closed loop, as fast as answers come
  // The operation mix (YCSB normalises by their sum, which must be > 0).
  double read = 0.95, update = 0.05, insert = 0, scan = 0, read_modify_write = 0;
  Distribution distribution = Distribution::kUniform;  // requestdistribution
  uint32_t field_count = 10;                           // fieldcount
  uint32_t field_length = 100;                         // fieldlength
  uint32_t max_scan_length = 1000;                     // maxscanlength
  uint64_t max_execution_s = 0;                        // maxexecutiontime; 0: no limit
  uint32_t status_interval_s = 10;                     // status.interval
  std::map<std::string, std::string> properties;       // every key as read, the last value
  std::vector<std::string> unknown;                    // keys no field above reads
};

// Reads the files in order, then the overrides ("key=value"), into a
// Workload. InvalidArgument (exit 2 for a command) names FILE:LINE or the
// override: a line without '=', a number that is not one, a proportion
// outside [0, 1], a mix that sums to 0, an unknown distribution; NotFound
// for a file that cannot be read.
Result<Workload> LoadWorkload(const std::vector<std::string>& property_files, const std::vector<std::string>& overrides);

}  // namespace kv::bench
