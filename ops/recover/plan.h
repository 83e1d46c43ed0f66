// The recovery plan: a pure function of what was collected (collection.h),
// so that the same collection always gives the same plan, and tests exercise
// every rule without a cluster. Saved as the plan file (JSON lines,
// format_version 1, docs/FORMATS.md "recoverdata plan file"), which a later
// apply re-checks against a fresh collection (the fingerprint).
//
// The rules (docs/ops.md, "recoverdata"), per partition:
// - Leader: the healthy replica with the greatest (last term, last offset)
//   (invariant 6); on a tie a replica of a running tablet (online), then the
//   nameserver's current leader, then the lowest endpoint. A damaged replica leads only when no healthy one is left.
// - Every other replica: in sync; caught up from the leader (a shorter log of
//   the leader's last term, or an older term whose divergent suffix the
//   catch-up's prefix check cuts into quarantine: at least the records past
//   the leader's last offset); rebuilt from the leader (damaged or missing);
//   left as is (on a tablet that was not collected). A replica read offline
//   (its tablet does not run) is caught up once its tablet runs, else
//   re-created on a live tablet; an offline leader's folder moves to one.
// - Acknowledged writes are safe when every one of them must be on a healthy
//   collected replica: with acks majority, when at least ceil(R/2) of the R
//   replicas are healthy and collected (any majority meets them); with acks
//   leader, when all R are; or when the leader is the one the metadata names
//   for the partition's term, and its log's last term is that term (it holds
//   every write acknowledged). Otherwise the offsets after the leader's last
//   are at risk. Damaged replicas ahead of the leader put their extra offsets
//   at risk; a damaged leader puts what follows its safe point at risk (the
//   DB's applied offset under WAL damage, the newest snapshot under SST damage).
// - A partition at risk, or with no replica to lead it, is refused unless
//   accept_data_loss; with it, a partition with no replica is recreated empty.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "ops/recover/collection.h"

namespace kv::recover {

constexpr int kPlanFormatVersion = 1;

enum class Fate {
  kLeader,
  kInSync,      // already at the leader's last (term, offset)
  kCatchUp,     // kept: receives the leader's records (and its divergent suffix, if any, is cut)
  kRebuild,     // its folder goes to quarantine; a fresh copy from the leader
  kNotCollected,  // on a tablet nobody read: left as is, it catches up when its tablet returns
};
const char* FateName(Fate f);  // "leader", "in-sync", "catch-up", "rebuild", "not-collected"

enum class Verdict {
  kHealthy,      // the chosen leader already leads, alive; every replica online, nothing to cut, rebuild or add
  kRecover,      // to do, nothing acknowledged at risk
  kDataLoss,     // acknowledged writes may be lost (at_risk says which)
  kNoReplica,    // no replica to lead it: recreated empty only with accept_data_loss
};
const char* VerdictName(Verdict v);  // "healthy", "recover", "data-loss", "no-replica"

struct ReplicaDecision {
  std::string endpoint;
  Fate fate = Fate::kInSync;
  Health health = Health::kOk;
  Source source = Source::kOnline;
  Position last;
  uint64_t records_to_receive = 0;  // catch-up: leader's last offset - this replica's
  uint64_t records_cut = 0;         // at least this many records past the leader's end go to quarantine
  std::string why;                  // one line
  std::string folder;               // read offline: the replica folder the report names (apply may copy it)
};

// Offsets first..last at risk; last nullopt: up to whatever the uncollected replicas held.
struct OffsetRange {
  uint64_t first = 0;
  std::optional<uint64_t> last;
};
std::string Describe(const OffsetRange& r);  // "offsets 121..130", "offsets from 121"

struct PartitionPlan {
  std::string table;
  uint32_t tid = 0;
  uint32_t pid = 0;
  uint32_t replica_count = 0;        // the table's R (0: unknown)
  std::string current_leader;        // the nameserver's, empty if none or unknown
  std::string leader;                // chosen; empty for kNoReplica
  Position leader_last;
  Verdict verdict = Verdict::kRecover;
  bool refused = false;              // needs accept_data_loss, which was not given
  std::optional<OffsetRange> at_risk;
  std::string risk;                  // one line: why at_risk
  uint32_t replicas_to_add = 0;      // re-created on other tablets where there is room
  std::vector<ReplicaDecision> replicas;  // the leader first, then by endpoint
};

struct PlanSummary {
  size_t tables = 0;
  size_t partitions = 0;
  size_t replicas_collected = 0;  // with data or found missing
  size_t healthy = 0, recover = 0, data_loss = 0, no_replica = 0;
  size_t refused = 0;
  size_t replicas_cut = 0, replicas_rebuilt = 0, replicas_added = 0;
};

struct Plan {
  std::string id;
  std::vector<std::string> nameservers;  // the cluster's identity: a plan applies only to it
  std::string created;
  std::string collected;
  bool partial = false;
  std::vector<std::string> unreachable;
  bool accept_data_loss = false;
  std::string fingerprint;  // of the collection (CollectionFingerprint)
  std::vector<std::string> notes;
  std::vector<PartitionPlan> partitions;  // by (table, pid)
};

// The tables the plan covers, each once, in the plan's (table, pid) order.
std::vector<std::string> TablesOf(const Plan& p);

// Totals over the plan's partitions (what is shown before anything is done).
PlanSummary Summarize(const Plan& p);

struct PlanOptions {
  std::vector<std::string> tables;  // empty: every table
  bool accept_data_loss = false;
  std::string created;  // UTC time, from the caller: the planner reads no clock
};

// InvalidArgument when `tables` names a table the collection does not hold.
Result<Plan> MakePlan(const Collection& collection, const PlanOptions& options);

// A hash (FNV-1a 64, hex) of everything the plan depends on: each replica's
// positions and health, the tables' settings, the placement. A later apply
// recollects and refuses when it differs.
std::string CollectionFingerprint(const Collection& c);

// What differs between the replicas of two plans, one line per change
// ("orders pid 3 on EP: (term 2, offset 90) -> (term 2, offset 95)"), for a
// stale plan's refusal; empty when they match.
std::vector<std::string> ChangesBetween(const Plan& old_plan, const Plan& fresh);

// The plan file (and `--json`): a "plan" line, then one "partition" line each.
std::string PlanToJsonLines(const Plan& p);
// InvalidArgument naming `where`: not a plan file, another version, truncated.
Result<Plan> ParsePlanJsonLines(std::string_view text, const std::string& where);

}  // namespace kv::recover
