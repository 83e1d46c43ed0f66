// The plan for people: totals first (what CockroachDB's make-plan shows before
// anything is done), then one row per partition that needs work, then what
// is refused and why. Healthy partitions are counted, not listed.
#pragma once

#include <cstdio>

#include "ops/recover/plan.h"

namespace kv::recover {

// The report on `out` (stdout); notes go to `notes` (stderr).
void PrintPlan(const Plan& plan, FILE* out, FILE* notes);

// "B catch-up 5, A cut 5, C rebuild": the other replicas' fates in one cell.
std::string DescribeFollowers(const PartitionPlan& p);

}  // namespace kv::recover
