// The base of `ops bench load` and `ops bench run` (docs/ops.md "bench"): a
// YCSB workload (-P FILE ..., -p key=value ...) against --table, go-ycsb's
// status lines every status.interval seconds and its summary at the end (or
// one JSON line with --json); --ledger FILE records every acknowledged write
// (ledger.h) for `ops bench verify`. Exit 0 when every operation succeeded, 1 when
// any failed (counted per type as <TYPE>_ERROR, the first error on stderr),
// 2 for a bad workload (one line naming FILE:LINE or the -p).
#pragma once

#include <string>
#include <vector>

#include "ops/bench/runner.h"
#include "ops/cluster_command.h"

namespace kv::ops {

class BenchCommand : public ClusterCommand {
 protected:
  explicit BenchCommand(bench::Phase phase) : phase_(phase) {}
  void AddCommandFlags(CLI::App* app) override;
  int RunWith(client::Client& client, const cli::CommonFlags& common) override;

 private:
  const bench::Phase phase_;
  std::vector<std::string> property_files_;
  std::vector<std::string> overrides_;
  std::string table_;
  std::string ledger_;
  uint64_t seed_ = 1;
};

}  // namespace kv::ops
