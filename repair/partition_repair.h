// Offline repair of one partition replica folder (DATA_DIR/partitions/<tid>_<pid>):
// descriptor, replay, rebuild, truncate and drop-snapshot (verify:
// repair/partition_verify.h).
// The operator's guide to them is docs/repair.md.
//
// Every repair keeps invariant 8: it plans first from a read-only look
// (inspect/partition_inspect.h) and changes nothing unless applied; it refuses
// while a process holds the replica's wal/LOCK or the LOCK of a folder above
// it (a tablet's DATA_DIR/LOCK); and what it removes goes to quarantine. The
// work itself is storage/'s: opening a replica replays its
// WAL, RebuildDb rebuilds db/, Replica::TruncateAfter cuts log and data; this
// file decides whether they may run and says what they will do.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "storage/descriptor.h"
#include "storage/log_position.h"
#include "storage/rebuild.h"
#include "common/status.h"
#include "inspect/partition_inspect.h"
#include "repair/wal_repair.h"

namespace kv::repair {

struct PartitionRepairOptions {
  bool apply = false;           // false: a dry run that only plans (and changes nothing)
  std::string quarantine_root;  // empty: PartitionQuarantineRoot's default
  std::string command;          // the command line, recorded in quarantine manifests
  // rebuild: applying may drop offsets the DB had applied; drop-snapshot: may
  // drop the only snapshot that holds the offsets below the WAL's first.
  bool accept_loss = false;
};

// options.quarantine_root when given; else DATA_DIR/quarantine when dir is
// DATA_DIR/partitions/<tid>_<pid>, as the tablet's own; else dir/quarantine.
std::string PartitionQuarantineRoot(const std::string& dir, const PartitionRepairOptions& options);
// "repair partition <sub> DIR [extra] [--apply] ...", for quarantine manifests.
std::string PartitionRepairCommandLine(const std::string& sub, const std::string& dir,
                                       const PartitionRepairOptions& options, const std::string& extra = "");

enum class PlanVerdict {
  kNothingToDo,
  kRepair,   // steps say what applying does
  kRefused,  // reason says why, and what to run instead
};
const char* PlanVerdictName(PlanVerdict v);  // "nothing-to-do", "repair", "refused"

struct PartitionPlan {
  std::string command;  // descriptor | replay | rebuild | truncate | drop-snapshot
  std::string dir;
  PlanVerdict verdict = PlanVerdict::kNothingToDo;
  std::string reason;               // kRefused / kNothingToDo: one line
  std::vector<std::string> steps;   // kRepair: what applying does, in order
  // Offsets this replica no longer holds afterwards (kept in quarantine):
  // rebuild, what the old DB applied beyond the WAL; truncate, the cut suffix.
  std::optional<OffsetRange> lost;
  std::vector<std::string> choices;  // other ways out, when applying loses something
  // Applying loses something (lost, or the last good copy outside db/) and
  // accept_loss was not given: --apply alone is refused, and the dry run exits 1.
  bool needs_accept_loss = false;
  std::vector<std::string> notes;    // what else the operator should know (snapshots passed over, ...)
  std::optional<storage::Descriptor> new_descriptor;  // descriptor: the replica.json to write
  std::optional<storage::RebuildPlan> rebuild;  // rebuild, and truncate when the DB is cut too
  std::optional<inspect::PartitionReport> inspected;  // the look the plan was made from
};

struct PartitionRepairResult {
  PartitionPlan plan;
  bool applied = false;
  std::vector<std::string> done;              // what was done, one line each
  std::optional<storage::LogPosition> applied_after;  // the DB's applied position afterwards
};

// Write a new replica.json when it is missing or unreadable (the old file goes
// to quarantine): table as given, tid and pid from the folder's name, a
// follower at the newest term the WAL, the DB and the snapshots show. The
// other repairs refuse until replica.json is readable.
Result<PartitionRepairResult> RewriteDescriptor(const storage::ReplicaPaths& replica, const std::string& table,
                                                const PartitionRepairOptions& options);

// Apply the WAL into the DB from its applied offset (what opening the replica
// does; it also cuts a torn tail into quarantine). Refused when the WAL cannot
// continue the DB (DB ahead, a gap, different histories, damage).
Result<PartitionRepairResult> ReplayPartition(const storage::ReplicaPaths& replica,
                                               const PartitionRepairOptions& options);

// Rebuild db/ up to the WAL's end (the newest snapshot's offset when the WAL
// holds no record) from the newest snapshot that verifies plus the WAL, or from
// the WAL alone when it starts at offset 1; the old db/ goes to quarantine.
// Applying when the DB had applied beyond that point needs accept_loss.
Result<PartitionRepairResult> RebuildPartition(const storage::ReplicaPaths& replica,
                                               const PartitionRepairOptions& options);

// storage::PlanRebuild, then its snapshot checked (storage::VerifySnapshot);
// one that fails is passed over for the next older one the WAL continues, or
// for an empty DB when the WAL starts at offset 1. skipped lists the snapshots
// passed over, with why. Reads only.
Result<storage::RebuildPlan> PlanRebuildFromGoodSnapshot(const storage::ReplicaPaths& replica, uint64_t up_to,
                                                         std::vector<std::string>* skipped);

// Cut log and data back to offset `after` (Replica::TruncateAfter): the cut
// records, snapshots past the cut and a replaced DB go to quarantine.
Result<PartitionRepairResult> TruncatePartition(const storage::ReplicaPaths& replica, uint64_t after,
                                                const PartitionRepairOptions& options);

// Which snapshots drop-snapshot moves out: exactly one of the two.
struct SnapshotSelection {
  std::string name;      // a folder under snapshots/, by its name or its offset
  bool damaged = false;  // every snapshot that fails verification (storage::VerifySnapshot)
};

// Move snapshots (whole folders) into quarantine, e.g. a damaged one that keeps
// verify failing. InvalidArgument (exit 2) for a selection that is not exactly
// one of the two, NotFound for a name no snapshot has. When the WAL starts
// after offset 1, the offsets before it are held outside db/ only by the good
// snapshots the WAL continues from: applying a drop that removes the last of
// them needs accept_loss.
Result<PartitionRepairResult> DropSnapshots(const storage::ReplicaPaths& replica, const SnapshotSelection& which,
                                            const PartitionRepairOptions& options);

// The plan, what was done, and the exit code (0; 1 when refused, or for a dry
// run whose --apply would be refused for want of --accept-loss), printed as
// the `repair partition` commands print them: a table, or one JSON line.
int PrintPartitionRepair(const PartitionRepairResult& result, const PartitionRepairOptions& options, bool json);

}  // namespace kv::repair
