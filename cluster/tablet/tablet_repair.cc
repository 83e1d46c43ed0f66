// RepairReplica (cluster/proto/kv.proto): `ops recoverdata apply
// --accept-data-loss` when the best replica left of a partition is one its
// tablet could not open. The tablet runs the repair library on the folder in
// place, as an operator would with `repair` on a stopped tablet
// (docs/repair.md): the tablet's own data dir LOCK does not count as another
// process using the folder (repair::EnclosingLockOwned), and the folder is
// not open, so nothing else writes it. What a repair replaces goes to the data dir's
// quarantine (invariant 8), and nothing is repaired without accept_loss,
// because both repairs may lose records.
#include "cluster/tablet/log.h"
#include "cluster/tablet/tablet.h"
#include "common/file.h"
#include "inspect/partition_inspect.h"
#include "repair/lock_check.h"
#include "repair/partition_repair.h"
#include "repair/wal_repair.h"
#include "storage/layout.h"

namespace kv::tablet {
namespace {

using inspect::FindingKind;

constexpr FindingKind kWalDamage[] = {FindingKind::kWalDamaged, FindingKind::kForeignSegment};
constexpr FindingKind kDbDamage[] = {FindingKind::kDbMissing,    FindingKind::kDbUnreadable,    FindingKind::kSstMissing,
                                     FindingKind::kSstDamaged,   FindingKind::kDbAheadOfWal,    FindingKind::kHistoryDiverged,
                                     FindingKind::kWalGap};

template <size_t N>
bool HasAny(const inspect::PartitionReport& r, const FindingKind (&kinds)[N]) {
  for (FindingKind k : kinds) {
    if (r.Has(k)) return true;
  }
  return false;
}

Error Failed(const std::string& where, const std::string& what) {
  return MakeError(v1::FAILED_PRECONDITION, where + ": " + what + " (see `inspect partition` and docs/repair.md)");
}

}  // namespace

void Tablet::RepairReplica(const v1::RepairReplicaRequest& req, v1::RepairReplicaResponse* resp) {
  const PartitionKey key = KeyOf(req.partition());
  const std::string where = "partition " + key.ToString();
  auto done = [&](Error e) { *resp->mutable_error() = WithLoadedStatus(key, std::move(e), resp->mutable_status()); };
  if (req.table_name().empty()) {
    return done(MakeError(v1::INVALID_ARGUMENT, "RepairReplica of " + where + " needs the table's name"));
  }
  std::lock_guard<std::mutex> control(control_mu_);
  if (Serves(key)) {
    resp->add_done("served already: nothing to do");
    return done(OkError());
  }
  const std::string dir = ReplicaDir(key);
  if (!IsDirectory(dir)) return done(MakeError(v1::NOT_FOUND, "no replica folder " + dir + " on this tablet"));
  const storage::ReplicaPaths paths(dir);
  if (Error holds = CheckFolderHolds(dir, key, req.table_name()); !IsOk(holds)) {
    return done(MakeError(v1::FAILED_PRECONDITION,
                          holds.message() + "; only `repair partition descriptor` by hand fixes that (docs/repair.md)"));
  }
  if (!req.accept_loss()) {
    return done(Failed(where, "repairing it may lose records: it needs accept_loss (--accept-data-loss)"));
  }
  // The data dir's LOCK is this tablet's own; the folder is not open, so nothing else writes it.
  const repair::EnclosingLockOwned own_data_dir(data_dir_.dir());
  const std::string quarantine = data_dir_.quarantine_dir();
  const std::string command = "tablet " + endpoint() + " RepairReplica " + key.ToString();
  // Every record and every SST block read: what the repairs below decide on.
  const inspect::PartitionInspectOptions thorough{.verify_wal = true, .verify_sst = true};
  auto look = inspect::InspectPartition(paths, thorough);
  if (!look.ok()) return done(Failed(where, look.status().message()));

  if (HasAny(*look, kWalDamage)) {
    auto salvaged = repair::Salvage(paths.wal, {.apply = true, .quarantine_root = quarantine, .command = command});
    if (!salvaged.ok()) return done(Failed(where, "salvaging its WAL failed: " + salvaged.status().message()));
    const repair::SalvagePlan& plan = salvaged->plan;
    if (plan.verdict == repair::SalvageVerdict::kRefused) return done(Failed(where, "its WAL: " + plan.note));
    resp->add_done("salvaged the WAL: " + std::to_string(plan.records_kept) + " intact records kept, offsets lost: " +
                   repair::DescribeRanges(plan.lost) + "; the original segments are in " + salvaged->quarantine_dir);
    // A hole the DB had not applied past leaves no consistent history after
    // it: the log keeps what comes before the first such hole, and the
    // records after it go to quarantine (what etcd's WAL repair does at the
    // first corrupt record).
    const uint64_t applied = look->info.applied ? look->info.applied->offset : 0;
    for (const repair::OffsetRange& lost : plan.lost) {
      if (lost.from <= applied) continue;
      auto cut = repair::CutAfterHole(paths.wal, lost.from, {.quarantine_root = quarantine, .command = command});
      if (!cut.ok()) return done(Failed(where, "cutting the log at its hole failed: " + cut.status().message()));
      resp->add_done("the DB had applied only up to offset " + std::to_string(applied) + ": the log ends at offset " +
                     std::to_string(lost.from - 1) + ", before its first hole; " + std::to_string(cut->moved.size()) +
                     " segment(s) after it are in " + cut->quarantine_dir);
      break;
    }
    look = inspect::InspectPartition(paths, thorough);  // the log the DB is now checked against
    if (!look.ok()) return done(Failed(where, look.status().message()));
  }
  if (HasAny(*look, kDbDamage)) {
    repair::PartitionRepairOptions options{
        .apply = true, .quarantine_root = quarantine, .command = command, .accept_loss = true};
    auto rebuilt = repair::RebuildPartition(paths, options);
    if (!rebuilt.ok()) return done(Failed(where, "rebuilding its DB failed: " + rebuilt.status().message()));
    if (!rebuilt->applied) return done(Failed(where, "rebuilding its DB was refused: " + rebuilt->plan.reason));
    for (const std::string& line : rebuilt->done) resp->add_done(line);
  }
  Log().warn("{}: repaired in place ({} step(s)), loading it", where, resp->done_size());
  Error loaded = LoadUnderControl(key, req.table_name());
  if (IsOk(loaded) && resp->done_size() == 0) resp->add_done("nothing to repair: it opened");
  done(std::move(loaded));
}

}  // namespace kv::tablet
