// What `ops recoverdata apply` asks the nameserver to do, per partition of a
// plan (docs/recoverdata.md): a pure function of the plan and of which
// tablets run now, so tests cover every rule without a cluster. The
// nameserver turns each PartitionSteps into one kRecoverDataOP.
//
// The rules:
// - A healthy partition is left alone; a refused one (it needs
//   --accept-data-loss) is held.
// - A partition whose chosen leader is damaged (the loss accepted) is
//   repaired in place by its tablet first (repair_leader), when that tablet
//   runs and the damage is one a repair fixes (not an unreadable
//   replica.json). A partition no replica holds (the loss accepted) is
//   created empty (create_empty) on a running tablet the placement names, else
//   on the first other running one. A leader read offline (its tablet does
//   not run) is copied, from the folder its report names (an absolute path,
//   which the tablet must be able to read), to the first running tablet that
//   holds no replica of the partition, which then leads; with no such tablet
//   it is held with what the operator does first (start a tablet on that
//   data dir), then collects again.
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
  bool create_empty = false;   // no replica holds data: the leader's tablet creates it empty
  bool repair_leader = false;  // the leader is damaged: its tablet repairs it in place first
  // The plan's leader is on adopt_from, which does not run: `leader` copies
  // adopt_folder (the offline report's folder) first, and adopt_from leaves.
  std::string adopt_from;
  std::string adopt_folder;
  std::string note;  // "" or one line: replicas that could not be placed, what is repaired or created
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
