// What `ops recoverdata apply` asks the nameserver to do, per partition of a
// plan (docs/recoverdata.md): a pure function of the plan and of which
// tablets run now, so tests cover every rule without a cluster. The
// nameserver turns each PartitionSteps into one kRecoverDataOP.
//
// The rules:
// - A healthy partition is left alone; a refused one (it needs
//   --accept-data-loss) is held.
// - A partition whose chosen leader is damaged, or is not on a running
//   tablet (read offline), is held with what the operator does first (repair
//   on that tablet; start a tablet on that data dir), then collects again.
//   Recreating a partition that has no replica at all is held the same way.
// - Every other replica the plan keeps (in sync, catch up) follows the leader
//   when its tablet runs; a damaged or missing one on a running tablet is
//   rebuilt there; one on a tablet that does not run is replaced by a new
//   replica on a running tablet, while there is room. Replicas on tablets
//   nobody read are left as they are (they catch up when their tablet is back).
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "ops/recover/plan.h"

namespace kv::recover {

struct PartitionSteps {
  std::string table;
  uint32_t tid = 0;
  uint32_t pid = 0;
  std::string leader;
  Position leader_last;
  uint64_t min_term = 0;  // the greatest last term the plan saw in the partition
  std::vector<std::string> catch_up;
  std::vector<std::string> rebuild;
  std::vector<std::string> replace;
  uint32_t add = 0;
  std::string note;  // "" or one line: replicas that could not be placed
};

struct ApplySteps {
  std::vector<PartitionSteps> partitions;  // to submit, in the plan's order
  std::vector<std::string> held;           // one line each: not applied, why, what to do
  size_t healthy = 0;                      // nothing to do
};

// running: the endpoints of the tablets that answered the collection made
// just before applying.
ApplySteps StepsOf(const Plan& plan, const std::set<std::string>& running);

}  // namespace kv::recover
