// Where `ops recoverdata` gets its collection: the running cluster (online),
// `inspect tablet --json` reports of tablets that cannot start, and collect
// files saved earlier, merged into one (collection.h, Merge).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "ops/recover/collection.h"

namespace kv::recover {

struct GatherInputs {
  std::vector<std::string> nameservers;      // empty: no online collection
  std::vector<std::string> offline_reports;  // `inspect tablet DATA_DIR --json` outputs
  std::vector<std::string> collected_files;  // `ops recoverdata collect -o` outputs
  std::chrono::milliseconds nameserver_timeout{5000};
  std::chrono::milliseconds tablet_deadline{3000};
  size_t max_concurrency = 16;
  std::string now;  // UTC time stamped on an online collection
  // A line of progress for people (stderr), from any thread.
  std::function<void(const std::string& line)> progress;
};

// InvalidArgument (bad input, exit 2): no input at all, a file that cannot be
// read or is not of its kind, inputs that contradict each other. A nameserver
// that cannot be asked: its IOError (exit 1).
Result<Collection> Gather(const GatherInputs& in);

}  // namespace kv::recover
