// `inspect partition`: everything about one replica folder (DATA_DIR/partitions/
// <tid>_<pid>), read without changing a byte (invariant 8), and what is wrong
// with it, each finding with the command that fixes it.
//
// Built on storage's ReadReplicaInfo (replica.json, the WAL's end from its
// trailers, the DB's applied position from a read-only open that writes no
// LOG, the snapshot manifests), plus cheap checks of our own: every segment
// header (foreign or unreadable segments), the terms of the WAL's first record
// and of the record at the applied offset, and the SST files the DB's MANIFEST
// lists. The options add the expensive parts: a full WAL read, SST block
// checksums, snapshot verification and the content checksum.
//
// The JSON object of a replica (PartitionReportJson) is the "collect" input of
// `ops recoverdata`: versioned by kCollectFormatVersion and documented in
// docs/FORMATS.md ("inspect partition|tablet --json"); keep it stable.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "storage/checksum.h"
#include "storage/layout.h"
#include "storage/replica_info.h"
#include "common/status.h"
#include "inspect/wal_inspect.h"
#include "wal/reader.h"

namespace kv::inspect {

// The "format_version" of every JSON line `inspect partition|tablet` prints.
// Raise it when a field changes meaning or goes; adding a field keeps it.
constexpr int kCollectFormatVersion = 1;

struct PartitionInspectOptions {
  bool verify_wal = false;        // read every WAL record, reporting every damage
  bool verify_sst = false;        // check every block checksum of every SST in db/
  bool verify_snapshots = false;  // check each snapshot's checkpoint against its manifest
  bool checksum = false;          // the DB's content checksum (scans the data)
};

// What can be wrong with a replica, most severe first: a replica's health is
// its most severe finding's name ("ok" without findings).
enum class FindingKind {
  kDescriptorMissing,     // no replica.json
  kDescriptorUnreadable,  // replica.json garbled or of an unknown format version
  kIdentityMismatch,      // the WAL, the DB or the folder name names another partition
  kWalDamaged,            // damage other than a torn tail, or an unreadable segment header
  kForeignSegment,        // a segment of another partition in wal/
  kDbMissing,             // no db/
  kDbUnreadable,          // RocksDB cannot open or scan db/
  kSstMissing,            // an SST file db/'s MANIFEST lists is not there
  kSstDamaged,            // an SST file fails its block checksums
  kDbAheadOfWal,          // the DB applied offsets the WAL does not hold
  kHistoryDiverged,       // the WAL's record at the applied offset has another term than the DB's
  kWalGap,                // the WAL starts after the applied offset + 1
  kSnapshotDamaged,       // a snapshot's manifest is unreadable or its checkpoint disagrees with it
  kWalMissing,            // no wal/ folder
  kTornTail,              // the WAL ends in a torn tail (cut when the replica next opens)
  kNeedsReplay,           // the WAL holds records the DB has not applied
};
const char* FindingKindName(FindingKind kind);  // "db-ahead-of-wal", ...

// "offset 7" or "offsets 7..9", as findings and repair plans name offsets.
std::string DescribeOffsets(uint64_t from, uint64_t to);

struct Finding {
  FindingKind kind;
  std::string text;  // one line: what is wrong
  std::string fix;   // one line: the command to run, or what to do
};

struct SstFileInfo {
  std::string file;
  uint64_t bytes = 0;
  std::optional<Status> verify;  // with verify_sst
};

struct SnapshotView {
  storage::SnapshotInfo info;
  std::optional<Status> verify;  // with verify_snapshots (for readable manifests)
  bool valid() const { return info.status.ok() && (!verify || verify->ok()); }
};

struct PartitionReport {
  storage::ReplicaInfo info;
  // (tid, pid) from replica.json, else from the folder's name.
  std::optional<std::pair<uint32_t, uint32_t>> identity;
  // A process holds wal/LOCK: the replica is open, and its DB is seen as of
  // its last flush, so "needs replay" is expected and not reported.
  bool in_use = false;

  uint64_t wal_first_term = 0;  // the term of the WAL's first record (0: none or unreadable)
  std::vector<std::string> foreign_segments;
  std::vector<std::string> unreadable_segments;
  std::optional<WalReadReport> wal_verify;  // with verify_wal
  std::vector<wal::Damage> wal_damages;     // with verify_wal

  std::vector<SstFileInfo> sst_files;  // db/*.sst in name order
  uint64_t sst_bytes = 0;
  std::vector<std::string> missing_sst;  // listed in db/'s MANIFEST, absent from the folder

  std::optional<storage::ContentChecksum> content;  // with checksum, at info.applied
  Status content_status;

  std::vector<SnapshotView> snapshots;
  std::vector<Finding> findings;  // most severe first

  // The tablet's settings.json beside replica.json (replica count, acks, WAL
  // level: what recovery needs when the nameserver's metadata is gone), as it is.
  std::optional<nlohmann::json> settings;
  Status settings_status;  // why settings is missing or unreadable

  bool healthy() const { return findings.empty(); }
  const char* health() const { return healthy() ? "ok" : FindingKindName(findings.front().kind); }
  bool Has(FindingKind kind) const;
  // The newest snapshot whose manifest is readable (and that verified, when verified).
  const SnapshotView* NewestValidSnapshot() const;
};

// NotFound (bad input) when dir is not a folder; everything else found goes
// into the report. Reads only.
Result<PartitionReport> InspectPartition(const storage::ReplicaPaths& replica, const PartitionInspectOptions& options);

// The replica as one JSON object: {"type": "replica", "format_version": 1, ...}
// (fields in docs/FORMATS.md).
nlohmann::json PartitionReportJson(const PartitionReport& report);

}  // namespace kv::inspect
