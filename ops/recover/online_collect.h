// The online half of `ops recoverdata collect`: the nameserver's tables,
// placement and tablets, then every tablet's own view of its replicas
// (GetStatus), all tablets at once with a bound and a deadline each, so one
// dead machine costs one deadline, not one per tablet. A tablet that does not
// answer is named in `unreachable` and makes the collection partial; its
// `inspect tablet --json` report can stand in for it (Merge).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "ops/recover/collection.h"

namespace kv::recover {

struct OnlineCollectOptions {
  std::vector<std::string> nameservers;  // HOST:PORT, at least one
  std::chrono::milliseconds nameserver_timeout{5000};
  std::chrono::milliseconds tablet_deadline{3000};  // per tablet
  size_t max_concurrency = 16;                      // tablets asked at once
  // Called once per tablet as its answer (or failure) arrives, from a worker thread.
  std::function<void(const std::string& endpoint, const Status& outcome)> progress;
  std::string collected;  // UTC time to stamp (from the caller's clock)
};

// Fails (IOError, InvalidArgument) only when the nameserver cannot be asked;
// tablets that fail are recorded, not fatal.
Result<Collection> CollectOnline(const OnlineCollectOptions& options);

}  // namespace kv::recover
