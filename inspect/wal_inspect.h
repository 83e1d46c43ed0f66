// `inspect wal`: read-only forensics over WAL segments (invariant 8).
//
// Three views of the same read, all through the WAL library's one reader in
// salvage policy (report every damage, keep going):
//   InspectWal       the records, filtered, streamed to a sink (the dump);
//   CollectWalStats  totals aggregated as the records go by (memory bounded);
//   VerifyWal        the damage only, and a verdict.
// The reader classifies damage (wal::DamageKind); this layer adds only what the
// reader cannot see: stray files beside the segments (WalNote) and records
// whose checksums hold but whose payload does not decode (written wrong).
// Nothing here opens a file for writing.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "wal/reader.h"
#include "wal/record.h"

namespace kv::inspect {

// Something in the given paths that is not a segment but worth seeing: a stray
// file, a folder with no segments, a file given twice.
struct WalNote {
  std::string path;
  std::string text;
};

// The segment files to read, from PATHs that are segment files or WAL folders.
struct WalInput {
  std::vector<std::string> files;
  std::vector<WalNote> notes;
};
// A folder contributes its regular files named like segments (LOCK and
// quarantine/ are expected and silent; anything else becomes a note). A file
// given explicitly is read whatever its name. NotFound / InvalidArgument for a
// path that is missing or neither a file nor a folder.
Result<WalInput> ResolveWalInput(const std::vector<std::string>& paths);

// Which records the dump shows. Offsets bound the read itself (the reader
// seeks); the rest select among the records read.
struct WalFilter {
  uint64_t from_offset = 0;  // 0 = from the start
  uint64_t to_offset = 0;    // 0 = to the end
  std::optional<uint64_t> term;
  std::optional<wal::RecordType> type;
  std::string key_prefix;    // matches when any op of the record has a key with this prefix
  uint64_t limit = 0;        // stop after this many shown records; 0 = no limit
};
// InvalidArgument when the range is empty (from > to).
Status ValidateWalFilter(const WalFilter& filter);

// A record as shown to a sink. Everything refers to the reader's buffer and
// is valid only during the call.
struct WalEntry {
  const wal::RecordView& record;
  const wal::RecordLocation& where;
  const std::vector<wal::Op>& ops;  // decoded ops (empty for noop or when undecodable)
  const Status& payload;            // Corruption when the payload does not decode
};

// Receives what a read finds, as it finds it, so nothing accumulates.
class WalSink {
 public:
  virtual ~WalSink() = default;
  virtual void OnRecord(const WalEntry& entry) {}
  virtual void OnDamage(const wal::Damage& damage) {}
};

enum class WalHealth {
  kNoSegments,  // nothing to read
  kClean,       // every byte read belonged to a valid record
  kTornTail,    // the only damage is a torn tail: `repair wal truncate-tail` cuts it off
  kDamaged,     // any other damage
};
const char* WalHealthName(WalHealth h);  // "no-segments", "clean", "torn-tail", "damaged"

// How a read ended and what it counted.
struct WalReadReport {
  wal::ReadSummary summary;  // the reader's own counts (records read, segments, bytes, skipped)
  WalHealth health = WalHealth::kNoSegments;
  uint64_t records_shown = 0;  // records that passed the filter
  uint64_t damages = 0;        // reader damages plus undecodable payloads
  std::map<wal::DamageKind, uint64_t> damages_by_kind;
  std::optional<wal::Damage> torn_tail;  // the first torn-tail region, when there is one
  bool stopped_at_limit = false;         // WalFilter::limit reached
  bool stopped_at_to = false;            // WalFilter::to_offset reached: what follows was not read
};

// Reads the input and passes the records that match filter (and every damage)
// to sink. A non-OK status only when a file cannot be read at all.
Result<WalReadReport> InspectWal(const WalInput& input, const WalFilter& filter, WalSink* sink);

struct WalSegmentStats {
  std::string file;
  uint64_t bytes = 0;
  std::optional<uint32_t> tid, pid;  // nullopt when the header is unreadable
  uint64_t records = 0;              // valid records read from this file
  uint64_t first_offset = 0, last_offset = 0;  // of those records (0 when none)
};
struct WalTermStats {
  uint64_t term = 0;
  uint64_t first_offset = 0, last_offset = 0;
  uint64_t records = 0;
};
struct WalStats {
  std::vector<WalSegmentStats> segments;        // in offset order
  std::vector<WalTermStats> terms;              // in term order
  std::map<wal::RecordType, uint64_t> records_by_type;  // every type, zero counts included
  WalReadReport read;                           // totals: records, bytes, offsets, skipped bytes
};
// Reads everything once and aggregates as it goes; damage goes to sink.
Result<WalStats> CollectWalStats(const WalInput& input, WalSink* sink);

// Reads everything and passes only the damage to sink; the report's health is the verdict.
Result<WalReadReport> VerifyWal(const WalInput& input, WalSink* sink);

// Decodes hex digits (either case); InvalidArgument when they are not hex.
Result<std::string> ParseHex(std::string_view hex);

}  // namespace kv::inspect
