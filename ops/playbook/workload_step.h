// A playbook's YCSB workloads (`workload: load|start|stop`): the load phase
// in the foreground, or the run phase in a thread of its own until the
// playbook stops it by name, each second's point handed to the report.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include <nlohmann/json_fwd.hpp>

#include "common/status.h"
#include "ops/bench/runner.h"

namespace kv::client {
class Client;
}

namespace kv::playbook {

// Everything a workload needs to start again when a run is resumed.
struct WorkloadSpec {
  std::string name;
  std::string file;    // the YCSB property file, as found
  std::string table;
  std::string ledger;  // empty: none
  std::map<std::string, std::string> properties;  // overrides, expanded
  uint64_t seed = 1;
  double started_t = 0;  // seconds after the run started
};
nlohmann::json WorkloadSpecJson(const WorkloadSpec& spec);
Result<WorkloadSpec> WorkloadSpecFromJson(const nlohmann::json& j);

using PointSink = std::function<void(const bench::SecondPoint& point)>;

// The load phase, to its end or until *stop turns true. A ledger is created (it must not exist).
Result<bench::RunResult> LoadRecords(client::Client& client, const WorkloadSpec& spec, const PointSink& each_second,
                                     const std::atomic<bool>* stop);

class BackgroundWorkload {
 public:
  // The run phase until Stop (operationcount does not end it). The ledger
  // is created, or appended to when resumed (LedgerWriter::Reopen).
  static Result<std::unique_ptr<BackgroundWorkload>> Start(client::Client& client, const WorkloadSpec& spec,
                                                           bool resumed, PointSink each_second);
  ~BackgroundWorkload();  // stops it
  BackgroundWorkload(const BackgroundWorkload&) = delete;
  BackgroundWorkload& operator=(const BackgroundWorkload&) = delete;

  const WorkloadSpec& spec() const { return spec_; }
  // Stops the workers after their current operation and closes the ledger.
  Result<bench::RunResult> Stop();

 private:
  explicit BackgroundWorkload(WorkloadSpec spec) : spec_(std::move(spec)) {}
  WorkloadSpec spec_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  Result<bench::RunResult> result_ = Status::Aborted("not finished");
  bool stopped_ = false;
};

// The row a stopped workload gives `expect:` and the report:
// {name, seconds, operations, errors, ops_per_s, p99_us} (the runner adds
// ops_after_first_fault).
nlohmann::json WorkloadSummary(const std::string& name, const bench::RunResult& result);

}  // namespace kv::playbook
