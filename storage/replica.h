// One partition replica: our WAL in front of a RocksDB (docs/storage.md).
//
// Every write goes to the WAL first (invariant 1), then into RocksDB in one
// WriteBatch with the applied (term, offset) it reaches (invariant 7); opening
// replays the WAL from there. Writers share the WAL's group commit and apply in
// offset order, so the applied offset is always a prefix of the log. A
// follower appends only after its previous (term, offset) matches the
// leader's (invariant 2), and a divergent suffix is cut into quarantine.
//
// Thread safety: every method may be called from any thread. The replica holds
// its WAL's LOCK while open (offline repair refuses to run beside it).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/checksum.h"
#include "storage/descriptor.h"
#include "storage/layout.h"
#include "storage/log_position.h"
#include "storage/rebuild.h"
#include "storage/snapshot.h"
#include "storage/storage_env.h"
#include "common/status.h"
#include "wal/record.h"
#include "wal/truncate.h"
#include "wal/writer.h"

namespace rocksdb {
class DB;
class WriteBatch;
}

namespace kv::storage {

struct ReplicaOptions {
  std::string table;
  uint32_t tid = 0;
  uint32_t pid = 0;
  int wal_level = wal::Durability::kDefaultLevel;  // wal/durability.h
  uint32_t fsync_period_ms = 0;
  uint64_t segment_bytes = 64ull << 20;
  std::string quarantine_root;             // DATA_DIR/quarantine (required): torn tails, cut suffixes, old DBs
  uint64_t replay_progress_every = 100000; // log replay progress every this many records
  // Who opens the replica, recorded in the manifest of a torn tail that opening
  // cuts into quarantine. Empty: "open replica DIR".
  std::string opened_by;
};

// What CheckPrev found, with Raft's fast-backup hint for the leader
// (docs/cluster.md): the follower's term at prev_offset and where that term
// starts in its log; or, when the follower is behind, conflict_term 0 and its
// last offset + 1.
struct PrevCheck {
  enum class Verdict {
    kMatch,     // the follower's record at prev_offset has prev_term (or prev_offset is 0)
    kBehind,    // the follower's log ends before prev_offset
    kDiverged,  // the follower's record at prev_offset has another term
  };
  Verdict verdict = Verdict::kMatch;
  uint64_t conflict_term = 0;
  uint64_t conflict_offset = 0;
};
const char* VerdictName(PrevCheck::Verdict v);

// AppendReplicated's answer when the logs do not match (behind or diverged): Aborted.
inline bool IsLogMismatch(const Status& s) { return s.code() == Status::Code::kAborted; }

struct KeyValue {
  std::string key;
  std::string value;
};
struct ScanResult {
  std::vector<KeyValue> entries;
  bool more = false;  // the limit stopped the scan before `to`
};

// A replica's content together with the applied position it reflects.
struct ContentAt {
  LogPosition applied;
  ContentChecksum content;
};

struct TruncateOutcome {
  wal::TruncateResult wal;                    // what was cut from the WAL, and where it went
  std::optional<RebuildOutcome> rebuild;      // when the DB had applied past the cut
  std::vector<std::string> moved_snapshots;   // snapshots past the cut, moved to quarantine
};

struct RetentionResult {
  uint64_t keep_from = 0;
  std::vector<std::string> deleted;  // segment files
};

class Replica {
 public:
  // Creates the replica folder (and replica.json, as a follower at term 0) or
  // opens it, then replays the WAL from the DB's applied offset. A torn WAL
  // tail is cut into quarantine; anything else that does not fit (damage, a
  // DB ahead of or diverging from its WAL, a folder of another partition) is
  // refused with what to run.
  static Result<std::unique_ptr<Replica>> Open(const ReplicaPaths& paths, const ReplicaOptions& options,
                                               StorageEnv& env);
  ~Replica();
  Replica(const Replica&) = delete;
  Replica& operator=(const Replica&) = delete;

  // Leader path: gives the records the next offsets and `term`, appends them
  // to the WAL, applies them. Refused unless this replica leads at `term`.
  Status Write(uint64_t term, std::vector<wal::Record>* records);

  // Follower path, invariant 2: records are the leader's, with its offsets,
  // following `prev`. When prev does not match: Aborted (IsLogMismatch), and
  // *mismatch (if given) says how. Records the follower already holds with the
  // same term are skipped; from the first whose term differs, the follower's
  // suffix is cut (TruncateAfter) and the leader's records appended.
  Status AppendReplicated(LogPosition prev, const std::vector<wal::Record>& records,
                          PrevCheck* mismatch = nullptr);
  Result<PrevCheck> CheckPrev(LogPosition prev) const;

  // Reads of applied data. Get: NotFound for a missing key. Scan: keys in
  // [from, to) (to empty = to the end), at most limit (0 = no limit).
  Result<std::string> Get(std::string_view key) const;
  Result<ScanResult> Scan(std::string_view from, std::string_view to, size_t limit) const;
  Result<uint64_t> Count() const;  // scans: O(records)
  Result<ContentAt> Checksum() const;  // scans: O(data); consistent with its applied position

  // OK while the replica can write; else why not: its WAL writer stopped
  // after a failed write or fsync, an apply failed, or a maintenance step
  // left it closed. Every write is refused with this until Reopen succeeds.
  Status WritesStopped() const;
  // Closes the WAL and the DB and opens them again as Open does: a torn WAL
  // tail is cut into quarantine and the WAL replayed from the DB's applied
  // offset (invariant 7), so records a failed write left whole are kept and
  // applied. On failure the replica stays closed, refusing writes with why,
  // and Reopen may be tried again.
  Status Reopen();

  LogPosition LastLogged() const;  // the WAL's last (term, offset); the applied one when the WAL is empty
  LogPosition Applied() const;
  // The term of the record at an applied offset, and the offset where that term starts.
  Result<LogPosition> TermStartAt(uint64_t offset) const;

  Descriptor descriptor() const;
  // Both persist replica.json before returning. The term never goes back (invariant 3).
  Status SetRole(Role role, uint64_t term);
  Status SetTerm(uint64_t term);

  // A snapshot at the current applied position (no apply in between); returns
  // the existing one when nothing was applied since.
  Result<SnapshotManifest> CreateSnapshot();
  Result<std::vector<SnapshotInfo>> ListSnapshots() const;
  // A follower catching up: makes the verified snapshot (possibly another
  // replica's) this replica's state. The whole local WAL goes to quarantine,
  // the snapshot is kept as snapshots/<offset>, and the log continues at its offset + 1.
  Status InstallSnapshot(const std::string& snapshot_dir);

  // Deletes the WAL segments below min(newest snapshot, follower_low_water_mark),
  // keeping the newest keep_extra_segments of them (retention.h).
  Result<RetentionResult> PurgeObsoleteWal(uint64_t follower_low_water_mark, uint32_t keep_extra_segments);
  // Deletes every readable snapshot older than the newest `keep` readable
  // ones, except the `pinned` offsets (snapshot_prune.h); returns their folders.
  Result<std::vector<std::string>> PruneSnapshots(size_t keep, const std::set<uint64_t>& pinned);

  // Invariant 2 for a divergent follower: keeps offsets 1..offset. The WAL's
  // suffix and any snapshot past offset go to quarantine; when the DB had
  // applied past offset it is rebuilt (rebuild.h) and the old one quarantined.
  Result<TruncateOutcome> TruncateAfter(uint64_t offset);
  // Rebuilds the DB up to offset (rebuild.h); the WAL after it is replayed
  // again on top. What `repair partition rebuild` does to an open replica.
  Result<RebuildOutcome> Rebuild(uint64_t up_to);

  const ReplicaPaths& paths() const { return paths_; }

 private:
  Replica(ReplicaPaths paths, ReplicaOptions options, StorageEnv& env, Descriptor desc);

  // Called with life_mu_ held exclusively.
  Status OpenFiles();  // opens db_ and (unless open) wal_, replays, sets applied_
  void CloseDb();
  void CloseFiles();
  Result<TruncateOutcome> TruncateAfterLocked(uint64_t offset);
  // Reopens after a maintenance step; a failure to do so leaves the replica refusing writes.
  Status ReopenAfter(const Status& step);

  // Called with life_mu_ held shared (or exclusively).
  Status Usable() const;  // the files are open and no apply has failed
  Status ApplyInOrder(const std::vector<wal::Record>& records, rocksdb::WriteBatch* batch);
  Status AppendAndApply(const std::vector<wal::Record>& records);
  Result<PrevCheck> CheckPrevLocked(LogPosition prev) const;
  Result<LogPosition> TermStartAtLocked(uint64_t offset) const;
  LogPosition LastLoggedLocked() const;

  Status UpdateDescriptor(const std::function<Status(Descriptor*)>& change);
  RebuildOptions MaintenanceOptions(const std::string& command) const;

  const ReplicaPaths paths_;
  const ReplicaOptions options_;
  StorageEnv& env_;

  // Shared by reads and writes; exclusive while db_ or wal_ are closed and reopened.
  mutable std::shared_mutex life_mu_;
  std::unique_ptr<rocksdb::DB> db_;
  std::unique_ptr<wal::Writer> wal_;

  // The sequencer: a batch is applied only when applied_ is just before it.
  mutable std::mutex apply_mu_;
  std::condition_variable apply_cv_;
  LogPosition applied_;
  Status broken_;  // a failed apply or maintenance step: writes refused until reopened

  std::mutex follower_mu_;  // one follower append (check, cut, append) at a time
  std::mutex snapshot_mu_;  // one snapshot being made at a time

  mutable std::mutex desc_mu_;
  Descriptor desc_;
};

}  // namespace kv::storage
