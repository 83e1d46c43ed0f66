// The yardstick for the read benchmarks: how long plain `cat` takes to read
// the same files into /dev/null. A ratio against it holds on a noisy, shared
// machine where absolute MB/s do not.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace kv::bench {

// Runs `cat -- files... > /dev/null` once and returns its wall time in seconds.
// IOError when cat cannot be started or does not exit 0.
Result<double> TimeCat(const std::vector<std::string>& files);

}  // namespace kv::bench
