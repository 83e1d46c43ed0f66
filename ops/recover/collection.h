// What `ops recoverdata` collects about a cluster before it plans anything:
// per replica of every partition its last (term, offset), applied and snapshot
// offsets and health, from the running tablets (online_collect.h) or from
// `inspect tablet --json` reports of tablets that cannot start
// (offline_report.h); the nameserver's tables and placement when it answers.
//
// Saved as the collect file (JSON lines, format_version 1, docs/FORMATS.md
// "recoverdata collect file"); several collections merge into one.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace kv::recover {

constexpr int kCollectFileFormatVersion = 1;

// A replica's health as recovery sees it. Everything but kOk and kMissing is
// "damaged": its files hold data, but not all of it can be trusted.
enum class Health {
  kOk,          // opened and served (online), or no finding that loses data (offline)
  kWalDamaged,  // the WAL is damaged before its end (mid-log), or names another history
  kSstDamaged,  // the DB is missing, unreadable, or lacks / fails SST files
  kUnreadable,  // replica.json is missing or garbled, or the files name another partition
  kMissing,     // the tablet was read and holds no such replica (folder gone, or not served)
};
const char* HealthName(Health h);  // "ok", "wal-damaged", "sst-damaged", "unreadable", "missing"
std::optional<Health> ParseHealth(std::string_view name);
inline bool IsDamaged(Health h) { return h != Health::kOk && h != Health::kMissing; }

enum class Source { kOnline, kOffline };
const char* SourceName(Source s);  // "online" | "offline"
std::optional<Source> ParseSource(std::string_view name);

struct Position {
  uint64_t term = 0;
  uint64_t offset = 0;
  // Invariant 6's order: the newer last term wins, and on a tie the longer log.
  auto operator<=>(const Position&) const = default;
};
std::string Describe(const Position& p);  // "(term 3, offset 120)"

struct CollectedReplica {
  std::string table;
  uint32_t tid = 0;
  uint32_t pid = 0;
  std::string endpoint;
  Position last;
  std::optional<uint64_t> applied_offset;
  std::optional<uint64_t> snapshot_offset;  // offline only: GetStatus does not say
  std::string role;                          // as the replica last knew it: "leader", "follower", ""
  Health health = Health::kOk;
  std::string reason;  // why health is not ok; notes (a torn tail) otherwise
  Source source = Source::kOnline;
  std::string origin;  // the report file (offline), "GetStatus" (online)
};

// A tablet the collection covers: every replica it holds was read, so a
// replica the placement puts there but the collection lacks is missing.
struct CollectedTablet {
  std::string endpoint;
  std::string tablet_id;  // from tablet.json (offline); empty online
  Source source = Source::kOnline;
  std::string origin;
};

// A table's settings, where they came from: "nameserver", or "replicas" (the
// replicas' settings.json; the partition count then is the one they keep, or
// the highest pid seen + 1 when none keeps it).
struct TableSettings {
  std::string name;
  uint32_t tid = 0;
  uint32_t partition_count = 0;
  uint32_t replica_count = 0;  // 0: unknown
  bool acks_majority = true;   // false: acks leader (a write is acknowledged by the leader alone)
  std::string source;
  uint32_t wal_level = 1;
  uint32_t wal_fsync_period_ms = 0;
};

// What one replica keeps of its table's settings (its settings.json, or
// GetStatus's `settings`).
struct KeptSettings {
  uint32_t replica_count = 0;    // 0: unknown
  uint32_t partition_count = 0;  // 0: unknown (kept since ReplicaSpec field 10)
  bool acks_majority = true;
  uint32_t wal_level = 1;
  uint32_t wal_fsync_period_ms = 0;
};

// One replica of pid, with what it keeps when known, folded into a table
// known only from its replicas (source "replicas"): the partition count
// covers pid and the kept one, the replica count is the greatest kept, the
// rest is the replica's.
void AddReplicaSettings(uint32_t pid, const std::optional<KeptSettings>& kept, TableSettings* t);

// The nameserver's metadata of one partition: who it lists, and as what.
struct PlacedReplica {
  std::string endpoint;
  bool is_alive = false;
};
struct Placement {
  std::string table;
  uint32_t tid = 0;
  uint32_t pid = 0;
  uint64_t term = 0;
  std::string leader;  // empty: no leader
  std::vector<PlacedReplica> replicas;
};

struct Collection {
  std::vector<std::string> nameservers;  // the cluster asked; empty for offline reports alone
  std::string collected;                 // UTC time
  // Some tablet the metadata lists did not answer (and no report stands in for it).
  bool partial = false;
  std::vector<std::string> unreachable;  // "EP: why" (EP, then ": "), one per tablet not read
  std::vector<std::string> notes;
  std::vector<CollectedTablet> tablets;
  std::vector<TableSettings> tables;
  std::vector<Placement> placements;
  std::vector<CollectedReplica> replicas;
};

// Adds `from` to `into`. A tablet collected twice keeps its online reading
// (the files of a running tablet are seen as of their last flush), else the
// first; two offline reports of one endpoint are InvalidArgument (bad input).
// Table settings and placement from the nameserver win over inferred ones; a
// table known under two tids is InvalidArgument. `partial` is recomputed:
// an unreachable tablet covered by a report is no longer missing.
Status Merge(Collection* into, Collection from);

// The collect file: JSON lines, a "collection" header with counts, then
// "tablet", "table", "placement" and "replica" lines.
std::string CollectionToJsonLines(const Collection& c);
// InvalidArgument, one line, naming `where`: not a collect file, another
// format version, a line that is not JSON, or fewer lines than the header
// counts (truncated).
Result<Collection> ParseCollectionJsonLines(std::string_view text, const std::string& where);

}  // namespace kv::recover
