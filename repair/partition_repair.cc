#include "repair/partition_repair.h"

#include <algorithm>
#include <filesystem>

#include "cli/command.h"
#include "cli/table.h"
#include "storage/layout.h"
#include "storage/replica.h"
#include "storage/replica_info.h"
#include "common/file.h"
#include "common/quarantine.h"
#include "repair/lock_check.h"
#include "wal/reader.h"

namespace kv::repair {
namespace {
namespace fs = std::filesystem;
using inspect::DescribeOffsets;
using inspect::Finding;
using inspect::FindingKind;
using inspect::PartitionReport;
using storage::LogPosition;

// What stops a replica from opening (Replica::Open refuses it, or would guess).
constexpr FindingKind kOpenBlockers[] = {
    FindingKind::kDescriptorMissing, FindingKind::kDescriptorUnreadable, FindingKind::kIdentityMismatch,
    FindingKind::kWalDamaged,        FindingKind::kForeignSegment,       FindingKind::kDbMissing,
    FindingKind::kDbUnreadable,      FindingKind::kSstMissing,           FindingKind::kSstDamaged,
    FindingKind::kDbAheadOfWal,      FindingKind::kHistoryDiverged,      FindingKind::kWalGap,
};
// What stops a rebuild: it needs replica.json and reads the WAL.
constexpr FindingKind kRebuildBlockers[] = {
    FindingKind::kDescriptorMissing, FindingKind::kDescriptorUnreadable, FindingKind::kIdentityMismatch,
    FindingKind::kWalDamaged,        FindingKind::kForeignSegment,
};

// The folder must be a folder (bad input otherwise), and nobody may be using it.
Status Guard(const storage::ReplicaPaths& replica) {
  if (!IsDirectory(replica.dir)) return Status::NotFound(replica.dir + ": no such replica folder");
  return CheckNotInUse(replica.wal);
}

// Guards, then takes the read-only look the plan is made from.
Result<PartitionRepairResult> Start(const std::string& command, const storage::ReplicaPaths& replica,
                                    const inspect::PartitionInspectOptions& look) {
  KV_RETURN_IF_ERROR(Guard(replica));
  KV_ASSIGN_OR_RETURN(PartitionReport report, inspect::InspectPartition(replica, look));
  PartitionRepairResult result;
  result.plan.command = command;
  result.plan.dir = replica.dir;
  result.plan.inspected = std::move(report);
  return result;
}

template <size_t N>
const Finding* FirstOf(const PartitionReport& r, const FindingKind (&kinds)[N]) {
  for (const Finding& f : r.findings) {
    if (std::find(std::begin(kinds), std::end(kinds), f.kind) != std::end(kinds)) return &f;
  }
  return nullptr;
}

void Refuse(PartitionPlan* plan, const std::string& reason) {
  plan->verdict = PlanVerdict::kRefused;
  plan->reason = reason;
}

// Refuses when a finding of kinds is there; true when refused.
template <size_t N>
bool RefuseOn(PartitionPlan* plan, const FindingKind (&kinds)[N]) {
  const Finding* f = FirstOf(*plan->inspected, kinds);
  if (f == nullptr) return false;
  Refuse(plan, f->text + "; fix: " + f->fix);
  return true;
}

void Decide(PartitionPlan* plan, const std::string& nothing_to_do) {
  if (plan->verdict == PlanVerdict::kRefused) return;
  plan->verdict = plan->steps.empty() ? PlanVerdict::kNothingToDo : PlanVerdict::kRepair;
  if (plan->steps.empty()) plan->reason = nothing_to_do;
}

bool ShouldApply(const PartitionRepairResult& r, const PartitionRepairOptions& o) {
  return o.apply && r.plan.verdict == PlanVerdict::kRepair;
}

// The applied position after a repair, read back from the files.
void ReadBack(const storage::ReplicaPaths& replica, PartitionRepairResult* r) {
  auto info = storage::ReadReplicaInfo(replica);
  if (info.ok() && info->applied) r->applied_after = *info->applied;
}

uint64_t NewestTerm(const PartitionReport& r) {
  uint64_t term = r.info.last.term;
  if (r.info.wal) term = std::max(term, r.info.wal->last_term);
  if (r.info.applied) term = std::max(term, r.info.applied->term);
  for (const auto& s : r.snapshots) {
    if (s.info.manifest) term = std::max(term, s.info.manifest->position.term);
  }
  return term;
}

// Opened by a repair: a torn tail that opening cuts is recorded under the
// repair's command line.
Result<std::unique_ptr<storage::Replica>> OpenReplica(const storage::ReplicaPaths& replica,
                                                      const PartitionRepairResult& r, const std::string& root,
                                                      const std::string& command, storage::StorageEnv& env) {
  const storage::Descriptor& d = *r.plan.inspected->info.descriptor;
  storage::ReplicaOptions o;
  o.table = d.table;
  o.tid = d.tid;
  o.pid = d.pid;
  o.quarantine_root = root;
  o.opened_by = command;
  o.wal_level = 2;  // what a repair writes (an empty WAL, a cut tail) is fsynced before it says done
  return storage::Replica::Open(replica, o, env);
}

std::string Quoted(const std::string& text) { return "\"" + text + "\""; }

// wal/LOCK, taken for the repair; none without wal/, when nothing can open the replica anyway.
Result<std::optional<FileLock>> LockWalIfThere(const storage::ReplicaPaths& paths) {
  if (!IsDirectory(paths.wal)) return std::optional<FileLock>();
  KV_ASSIGN_OR_RETURN(FileLock held, LockForRepair(paths.wal));
  return std::optional<FileLock>(std::move(held));
}

// The first offset the WAL holds (or, empty, continues at); without a WAL, the
// offset after the DB's applied one, where replay starts a new one.
uint64_t WalStart(const PartitionReport& r) {
  if (r.info.wal && r.info.wal->first_offset > 0) return r.info.wal->first_offset;
  return (r.info.applied ? r.info.applied->offset : 0) + 1;
}

const inspect::SnapshotView* FindSnapshot(const PartitionReport& r, const std::string& name) {
  for (const inspect::SnapshotView& s : r.snapshots) {
    if (fs::path(s.info.dir).filename() == name || std::to_string(s.info.offset) == name) return &s;
  }
  return nullptr;
}

std::string SnapshotNames(const PartitionReport& r) {
  std::string names;
  for (const inspect::SnapshotView& s : r.snapshots) {
    names += (names.empty() ? "" : ", ") + fs::path(s.info.dir).filename().string();
  }
  return names.empty() ? "none" : names;
}

}  // namespace

std::string PartitionQuarantineRoot(const std::string& dir, const PartitionRepairOptions& options) {
  if (!options.quarantine_root.empty()) return options.quarantine_root;
  if (auto data_dir = storage::EnclosingDataDir(dir)) return storage::QuarantineRoot(*data_dir);
  fs::path p = fs::path(dir).lexically_normal();
  if (p.filename().empty()) p = p.parent_path();
  return (p / kQuarantineFolderName).string();
}

std::string PartitionRepairCommandLine(const std::string& sub, const std::string& dir,
                                       const PartitionRepairOptions& options, const std::string& extra) {
  std::string s = "repair partition " + sub + " " + dir + (extra.empty() ? "" : " " + extra);
  if (options.apply) s += " --apply";
  if (!options.quarantine_root.empty()) s += " --quarantine " + options.quarantine_root;
  return s;
}

const char* PlanVerdictName(PlanVerdict v) {
  switch (v) {
    case PlanVerdict::kNothingToDo: return "nothing-to-do";
    case PlanVerdict::kRepair: return "repair";
    case PlanVerdict::kRefused: return "refused";
  }
  return "unknown";
}

Result<storage::RebuildPlan> PlanRebuildFromGoodSnapshot(const storage::ReplicaPaths& replica, uint64_t up_to,
                                                         std::vector<std::string>* skipped) {
  KV_ASSIGN_OR_RETURN(storage::RebuildPlan plan, storage::PlanRebuild(replica, up_to));
  if (!plan.snapshot) return plan;
  KV_ASSIGN_OR_RETURN(std::vector<storage::SnapshotInfo> snapshots, storage::ListSnapshots(replica));
  // PlanRebuild's choice first, then older snapshots by the same rule: the WAL continues from them.
  for (auto it = snapshots.rbegin(); it != snapshots.rend(); ++it) {
    if (!it->manifest || it->offset > plan.snapshot->offset || it->manifest->tid != plan.tid ||
        it->manifest->pid != plan.pid) {
      continue;
    }
    const bool wal_continues = plan.wal_last != 0 && plan.wal_first <= it->offset + 1 && up_to <= plan.wal_last;
    if (it->offset != up_to && !wal_continues) continue;
    auto verified = storage::VerifySnapshot(it->dir);
    if (verified.ok()) {
      plan.snapshot = *it;
      plan.start = it->manifest->position;
      return plan;
    }
    skipped->push_back(verified.status().message());
  }
  if (plan.wal_first == 1 && up_to <= plan.wal_last) {
    plan.snapshot.reset();
    plan.start = {};
    return plan;
  }
  return Status::FailedPrecondition("no snapshot at or before offset " + std::to_string(up_to) +
                                    " holds what its manifest says, and the WAL starts at offset " +
                                    std::to_string(plan.wal_first) + ", not 1");
}

Result<PartitionRepairResult> RewriteDescriptor(const storage::ReplicaPaths& replica, const std::string& table,
                                                const PartitionRepairOptions& options) {
  const std::string& dir = replica.dir;
  KV_ASSIGN_OR_RETURN(PartitionRepairResult result, Start("descriptor", replica, {}));
  PartitionPlan& plan = result.plan;
  const PartitionReport& r = *plan.inspected;
  const storage::ReplicaPaths& paths = replica;
  constexpr FindingKind kBlockers[] = {FindingKind::kIdentityMismatch};
  if (r.info.descriptor) {
    plan.reason = "replica.json is readable (table " + Quoted(r.info.descriptor->table) + ", term " +
                  std::to_string(r.info.descriptor->term) + "); nothing to rewrite";
  } else if (!r.identity) {
    Refuse(&plan, "the folder's name is not <tid>_<pid>, so the partition it holds is unknown; name it so first");
  } else if (table.empty()) {
    Refuse(&plan, "give the table's name (--table NAME) for the new replica.json");
  } else if (!RefuseOn(&plan, kBlockers)) {
    storage::Descriptor d;
    d.table = table;
    d.tid = r.identity->first;
    d.pid = r.identity->second;
    d.role = storage::Role::kFollower;
    d.term = NewestTerm(r);
    if (PathExists(paths.descriptor)) plan.steps.push_back("move the unreadable replica.json into quarantine");
    plan.steps.push_back("write replica.json: table " + Quoted(d.table) + ", tid " + std::to_string(d.tid) +
                         ", pid " + std::to_string(d.pid) + ", follower at term " + std::to_string(d.term) +
                         " (the newest term in the WAL, the DB and the snapshots)");
    plan.notes.push_back("the nameserver makes the replica leader or follower again when the tablet reports it");
    plan.new_descriptor = d;
  }
  Decide(&plan, plan.reason);
  if (!ShouldApply(result, options)) return result;

  // Held while replica.json changes, so that the replica cannot open meanwhile.
  KV_ASSIGN_OR_RETURN(std::optional<FileLock> lock, LockWalIfThere(paths));
  if (PathExists(paths.descriptor)) {
    KV_ASSIGN_OR_RETURN(Quarantine q, Quarantine::Create(PartitionQuarantineRoot(dir, options), "replaced-descriptor",
                                                         options.command));
    KV_RETURN_IF_ERROR(q.MoveIn(paths.descriptor, "unreadable replica.json, replaced by a new one"));
    result.done.push_back("moved the unreadable replica.json to " + q.dir());
  }
  KV_RETURN_IF_ERROR(storage::WriteDescriptor(paths.descriptor, *plan.new_descriptor));
  result.done.push_back("wrote " + paths.descriptor);
  result.applied = true;
  return result;
}

Result<PartitionRepairResult> ReplayPartition(const storage::ReplicaPaths& replica,
                                               const PartitionRepairOptions& options) {
  const std::string& dir = replica.dir;
  KV_ASSIGN_OR_RETURN(PartitionRepairResult result, Start("replay", replica, {}));
  PartitionPlan& plan = result.plan;
  const PartitionReport& r = *plan.inspected;
  const uint64_t applied = r.info.applied ? r.info.applied->offset : 0;
  if (!RefuseOn(&plan, kOpenBlockers)) {
    const wal::LogTail* tail = r.info.wal ? &*r.info.wal : nullptr;
    if (r.Has(FindingKind::kTornTail) && tail->torn_bytes > 0) {
      plan.steps.push_back("cut the WAL's torn tail (" + std::to_string(tail->torn_bytes) +
                           " bytes) into quarantine (<time>-torn-tail)");
    }
    if (r.Has(FindingKind::kTornTail) && !tail->unfinished_segment.empty()) {
      plan.steps.push_back("move the unfinished segment " + tail->unfinished_segment +
                           " (no complete header) into quarantine (<time>-torn-tail)");
    }
    if (r.Has(FindingKind::kWalMissing)) {
      plan.steps.push_back("make an empty WAL that continues at offset " + std::to_string(applied + 1));
    }
    if (tail != nullptr && !tail->empty && tail->last_offset > applied) {
      plan.steps.push_back("apply WAL " + DescribeOffsets(applied + 1, tail->last_offset) + " (" +
                           std::to_string(tail->last_offset - applied) + " records) to the DB");
    }
  }
  Decide(&plan, "the DB has applied every record of the WAL (offset " + std::to_string(applied) + ")");
  if (!ShouldApply(result, options)) return result;

  storage::StorageEnv env;
  KV_ASSIGN_OR_RETURN(auto opened,
                      OpenReplica(replica, result, PartitionQuarantineRoot(dir, options), options.command, env));
  result.applied_after = opened->Applied();
  opened.reset();  // closing flushes what was replayed
  result.done.push_back("replayed: the DB has applied " + result.applied_after->ToString());
  result.applied = true;
  return result;
}

Result<PartitionRepairResult> RebuildPartition(const storage::ReplicaPaths& replica,
                                               const PartitionRepairOptions& options) {
  const std::string& dir = replica.dir;
  inspect::PartitionInspectOptions look;
  look.verify_wal = true;  // the rebuild reads the WAL: find its damage before planning on it
  KV_ASSIGN_OR_RETURN(PartitionRepairResult result, Start("rebuild", replica, look));
  PartitionPlan& plan = result.plan;
  const PartitionReport& r = *plan.inspected;
  const std::string root = PartitionQuarantineRoot(dir, options);
  if (RefuseOn(&plan, kRebuildBlockers)) return result;

  const inspect::SnapshotView* newest = r.NewestValidSnapshot();
  const bool wal_has_records = r.info.wal && !r.info.wal->empty;
  const uint64_t up_to = wal_has_records ? r.info.wal->last_offset : newest ? newest->info.offset : 0;
  std::vector<std::string> skipped;
  auto base = PlanRebuildFromGoodSnapshot(replica, up_to, &skipped);
  for (const std::string& s : skipped) plan.notes.push_back("passing over snapshot " + s);
  if (!base.ok()) {
    Refuse(&plan, base.status().message());
    return result;
  }
  plan.rebuild = *base;
  plan.steps.push_back("build the new DB in db.rebuild/ from " +
                       (base->snapshot ? "a copy of snapshot " + base->snapshot->dir + " at " + base->start.ToString()
                                       : std::string("an empty DB")) +
                       ", replaying WAL " +
                       (up_to > base->start.offset ? DescribeOffsets(base->start.offset + 1, up_to) : "nothing") + " (" +
                       std::to_string(base->records_to_replay()) + " records)");
  if (base->replaces_db) plan.steps.push_back("move db/ into quarantine (" + root + "/<time>-replaced-db)");
  plan.steps.push_back("rename db.rebuild/ to db/");

  const std::optional<LogPosition>& applied = r.info.applied;
  if (applied && applied->offset > up_to) {
    plan.lost = OffsetRange{up_to + 1, applied->offset};
    plan.choices = {
        "rebuild up to offset " + std::to_string(up_to) + " (`repair partition rebuild " + dir +
            " --apply --accept-loss`): this replica gives up " + DescribeOffsets(up_to + 1, applied->offset) +
            "; the old DB, which holds them, stays in quarantine",
        "or leave this replica as it is and recover the partition from a replica that holds offsets up to " +
            std::to_string(applied->offset) + " (`inspect tablet --json` on each tablet shows their last offsets)"};
  } else if (!applied && base->replaces_db) {
    plan.notes.push_back("the old DB cannot be read, so what it held beyond offset " + std::to_string(up_to) +
                         " (if anything) is unknown; it stays in quarantine");
  }
  if (r.Has(FindingKind::kTornTail)) {
    plan.notes.push_back("the WAL's torn tail stays; opening the replica cuts it into quarantine");
  }
  if (r.Has(FindingKind::kHistoryDiverged)) {
    plan.notes.push_back("the old DB's history differs from the WAL's; the new DB follows the WAL");
  }
  Decide(&plan, "");
  plan.needs_accept_loss = plan.lost.has_value() && !options.accept_loss;
  if (plan.needs_accept_loss && options.apply) {
    Refuse(&plan, "applying drops " + DescribeOffsets(plan.lost->from, plan.lost->to) +
                      " that the DB had applied; rerun with --accept-loss, or take another way out (see the choices)");
  }
  if (!ShouldApply(result, options)) return result;

  KV_ASSIGN_OR_RETURN(FileLock lock, LockForRepair(replica.wal));
  storage::StorageEnv env;
  storage::RebuildOptions ro;
  ro.quarantine_root = root;
  ro.command = options.command;
  KV_ASSIGN_OR_RETURN(storage::RebuildOutcome outcome, storage::RebuildDbHoldingLock(replica, *base, env, ro));
  result.done.push_back("rebuilt db/ up to offset " + std::to_string(up_to) + " (" +
                        std::to_string(outcome.records_replayed) + " WAL records replayed)");
  if (!outcome.quarantine_dir.empty()) result.done.push_back("the old db/ is in " + outcome.quarantine_dir);
  result.applied = true;
  ReadBack(replica, &result);
  return result;
}

Result<PartitionRepairResult> TruncatePartition(const storage::ReplicaPaths& replica, uint64_t after,
                                                const PartitionRepairOptions& options) {
  const std::string& dir = replica.dir;
  KV_ASSIGN_OR_RETURN(PartitionRepairResult result, Start("truncate", replica, {}));
  PartitionPlan& plan = result.plan;
  const PartitionReport& r = *plan.inspected;
  const std::string root = PartitionQuarantineRoot(dir, options);
  if (RefuseOn(&plan, kOpenBlockers)) return result;
  // The cut keeps offsets 1..after and may rebuild the DB from them, so damage
  // among them stops it (wal/truncate.h); damage past them goes out with the rest.
  wal::ReadOptions kept;
  kept.to_offset = after;
  auto read = wal::ReadLogInMode(replica.wal, wal::ReadMode::kTolerateTornTail, kept,
                                 [](const wal::RecordView&) { return true; });
  if (!read.ok()) {
    Refuse(&plan, "the WAL up to offset " + std::to_string(after) + " is damaged: " + read.status().message() +
                      "; fix: `repair wal salvage " + replica.wal + " --apply` first");
    return result;
  }

  const uint64_t applied = r.info.applied ? r.info.applied->offset : 0;
  const uint64_t wal_last = r.info.wal ? r.info.wal->last_offset : 0;
  std::string past;
  for (const inspect::SnapshotView& s : r.snapshots) {
    if (s.info.offset > after) past += (past.empty() ? "" : ", ") + s.info.dir;
  }
  const bool cuts = wal_last > after || applied > after || !past.empty();
  if (cuts && wal_last > applied) {
    plan.steps.push_back("open the replica, which first applies WAL " + DescribeOffsets(applied + 1, wal_last));
  }
  if (wal_last > after) {
    plan.lost = OffsetRange{after + 1, wal_last};
    plan.steps.push_back("cut WAL " + DescribeOffsets(after + 1, wal_last) + " (" + std::to_string(wal_last - after) +
                         " records) into quarantine (" + root + "/<time>-truncate-after-" + std::to_string(after) +
                         "), as a readable WAL segment");
  }
  if (!past.empty()) plan.steps.push_back("move the snapshots past offset " + std::to_string(after) +
                                          " into quarantine: " + past);
  if (std::max(applied, wal_last) > after) {
    auto rebuild = storage::PlanRebuild(replica, after);
    if (!rebuild.ok()) {
      Refuse(&plan, "the DB must be cut back too, and " + rebuild.status().message());
      return result;
    }
    plan.rebuild = *rebuild;
    plan.steps.push_back(rebuild->Describe());
  }
  Decide(&plan, "the WAL ends at offset " + std::to_string(wal_last) + " and the DB applied " +
                    std::to_string(applied) + ": nothing lies after offset " + std::to_string(after));
  if (!ShouldApply(result, options)) return result;

  storage::StorageEnv env;
  KV_ASSIGN_OR_RETURN(auto opened, OpenReplica(replica, result, root, options.command, env));
  KV_ASSIGN_OR_RETURN(storage::TruncateOutcome cut, opened->TruncateAfter(after));
  result.applied_after = opened->Applied();
  opened.reset();
  if (cut.wal.changed) {
    result.done.push_back("cut WAL " + DescribeOffsets(cut.wal.first_cut_offset, cut.wal.last_cut_offset) + " (" +
                          std::to_string(cut.wal.records_cut) + " records) into " + cut.wal.quarantine_dir);
  }
  for (const std::string& s : cut.moved_snapshots) result.done.push_back("moved snapshot " + s + " into quarantine");
  if (cut.rebuild) {
    result.done.push_back("rebuilt db/ up to offset " + std::to_string(after) +
                          (cut.rebuild->quarantine_dir.empty() ? "" : "; the old db/ is in " + cut.rebuild->quarantine_dir));
  }
  result.applied = true;
  return result;
}

Result<PartitionRepairResult> DropSnapshots(const storage::ReplicaPaths& replica, const SnapshotSelection& which,
                                            const PartitionRepairOptions& options) {
  const std::string& dir = replica.dir;
  if (which.damaged == !which.name.empty()) {
    return Status::InvalidArgument("give either --snapshot NAME or --damaged (not both)");
  }
  inspect::PartitionInspectOptions look;
  look.verify_snapshots = true;  // why each one goes, and which good ones stay
  KV_ASSIGN_OR_RETURN(PartitionRepairResult result, Start("drop-snapshot", replica, look));
  PartitionPlan& plan = result.plan;
  const PartitionReport& r = *plan.inspected;
  const std::string root = PartitionQuarantineRoot(dir, options);

  std::vector<const inspect::SnapshotView*> drop;
  if (!which.name.empty()) {
    const inspect::SnapshotView* s = FindSnapshot(r, which.name);
    if (s == nullptr) {
      return Status::NotFound("no snapshot " + Quoted(which.name) + " in " + replica.snapshots +
                              " (there: " + SnapshotNames(r) + ")");
    }
    drop.push_back(s);
  } else {
    for (const inspect::SnapshotView& s : r.snapshots) {
      if (!s.valid()) drop.push_back(&s);
    }
  }
  std::vector<std::string> whys;
  for (const inspect::SnapshotView* s : drop) {
    const Status& bad = !s->info.status.ok() ? s->info.status : s->verify ? *s->verify : s->info.status;
    whys.push_back(bad.ok() ? "asked for by name; it verifies (holds what its manifest says)"
                            : "damaged: " + bad.message());
    plan.steps.push_back("move snapshot " + s->info.dir + " (offset " + std::to_string(s->info.offset) +
                         ") into quarantine (" + root + "/<time>-dropped-snapshot): " + whys.back());
  }

  // Below the WAL's first offset, the history outside db/ is in the good
  // snapshots the WAL continues from, and nowhere else.
  const uint64_t wal_start = WalStart(r);
  auto bridges = [&](const inspect::SnapshotView& s) { return s.valid() && s.info.offset + 1 >= wal_start; };
  bool drops_bridge = false, keeps_bridge = false;
  for (const inspect::SnapshotView& s : r.snapshots) {
    const bool dropped = std::find(drop.begin(), drop.end(), &s) != drop.end();
    (dropped ? drops_bridge : keeps_bridge) |= bridges(s);
  }
  const std::string below = wal_start > 1 ? DescribeOffsets(1, wal_start - 1) : "";
  if (wal_start > 1 && drops_bridge && !keeps_bridge) {
    plan.needs_accept_loss = !options.accept_loss;
    plan.choices = {
        "drop it anyway (`repair partition drop-snapshot " + dir + " --snapshot " + which.name +
            " --apply --accept-loss`): " + below + " then exist only in db/ (and in the quarantined snapshot), so a "
            "damaged db/ could no longer be rebuilt on this replica",
        "or start the tablet, let it take a new snapshot, then drop this one"};
  } else if (wal_start > 1 && !keeps_bridge && !drop.empty()) {
    plan.notes.push_back("no good snapshot that the WAL continues from remains: " + below +
                         " exist only in db/ until the tablet takes a new snapshot");
  }
  if (!drop.empty()) plan.notes.push_back("db/ keeps its own hard links to the SST files it shares with a snapshot");
  Decide(&plan, which.damaged ? "no snapshot fails verification (" + std::to_string(r.snapshots.size()) + " checked)" : "");
  if (plan.needs_accept_loss && options.apply) {
    Refuse(&plan, "snapshot " + drop.front()->info.dir + " is the only good snapshot the WAL (from offset " +
                      std::to_string(wal_start) + ") continues from: dropping it leaves " + below +
                      " only in db/; rerun with --accept-loss, or take another way out (see the choices)");
  }
  if (!ShouldApply(result, options)) return result;

  KV_ASSIGN_OR_RETURN(std::optional<FileLock> lock, LockWalIfThere(replica));
  KV_ASSIGN_OR_RETURN(Quarantine q, Quarantine::Create(root, "dropped-snapshot", options.command));
  for (size_t i = 0; i < drop.size(); ++i) {
    KV_RETURN_IF_ERROR(q.MoveFolderIn(drop[i]->info.dir, whys[i]));
    result.done.push_back("moved snapshot " + drop[i]->info.dir + " into " + q.dir());
  }
  result.applied = true;
  return result;
}

int PrintPartitionRepair(const PartitionRepairResult& result, const PartitionRepairOptions& options, bool json) {
  const PartitionPlan& p = result.plan;
  if (json) {
    nlohmann::json j = {{"type", "plan"},
                        {"command", p.command},
                        {"dir", p.dir},
                        {"verdict", PlanVerdictName(p.verdict)},
                        {"reason", p.reason},
                        {"steps", p.steps},
                        {"lost", p.lost ? nlohmann::json(*p.lost) : nlohmann::json(nullptr)},
                        {"choices", p.choices},
                        {"needs_accept_loss", p.needs_accept_loss},
                        {"notes", p.notes},
                        {"applied", result.applied},
                        {"done", result.done}};
    j["applied_after"] = result.applied_after
                             ? nlohmann::json{{"term", result.applied_after->term}, {"offset", result.applied_after->offset}}
                             : nlohmann::json(nullptr);
    cli::PrintJsonLine(j);
  } else {
    std::printf("repair partition %s %s: %s\n", p.command.c_str(), p.dir.c_str(), PlanVerdictName(p.verdict));
    if (!p.steps.empty()) {
      cli::Table steps({"step", result.applied ? "done" : "would do"});
      for (size_t i = 0; i < p.steps.size(); ++i) steps.AddRow({std::to_string(i + 1), p.steps[i]});
      steps.Print();
    }
    if (p.lost) std::printf("loses: %s (kept in quarantine)\n", DescribeOffsets(p.lost->from, p.lost->to).c_str());
    for (const std::string& c : p.choices) std::printf("choice: %s\n", c.c_str());
    for (const std::string& n : p.notes) std::printf("note: %s\n", n.c_str());
    if (p.verdict == PlanVerdict::kNothingToDo) std::printf("%s; nothing to do\n", p.reason.c_str());
    for (const std::string& d : result.done) std::printf("done: %s\n", d.c_str());
  }
  if (p.verdict == PlanVerdict::kRefused) {
    std::fprintf(stderr, "repair: refused: %s\n", p.reason.c_str());
    return cli::kExitFailed;
  }
  if (p.verdict == PlanVerdict::kRepair && !options.apply) {
    if (p.needs_accept_loss) {
      // Exit 1, so `repair ... && repair ... --apply` stops here instead of being refused one step later.
      std::fprintf(stderr, "repair: dry run, nothing changed; applying loses what the choices say: rerun with "
                           "--apply --accept-loss, or take another way out\n");
      return cli::kExitFailed;
    }
    std::fprintf(stderr, "repair: dry run, nothing changed; rerun with --apply\n");
  }
  return cli::kExitOk;
}

}  // namespace kv::repair
