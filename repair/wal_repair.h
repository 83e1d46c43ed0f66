// Offline repair of one WAL folder: cutting a torn tail, and salvaging a damaged log.
//
// Like etcd's wal/repair.go this is a small path of its own, and like every repair
// here it keeps invariant 8: plan first and change nothing unless applied, refuse
// while a server or writer holds the folder, and put every byte it removes into a
// quarantine folder with a manifest. What counts as a torn tail or as damage is the
// WAL reader's classification (wal/reader.h); this file only decides what to do.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"

namespace kv::repair {

struct WalRepairOptions {
  bool apply = false;           // false: a dry run that only plans (and changes nothing)
  std::string quarantine_root;  // empty: <dir>/quarantine (the WAL reader ignores subfolders)
  std::string command;          // the command line, recorded in the quarantine manifest
};

std::string QuarantineRootFor(const std::string& dir, const WalRepairOptions& options);
// "repair wal <subcommand> DIR [--apply] [--quarantine Q]", for the manifest.
std::string WalRepairCommandLine(const std::string& subcommand, const std::string& dir,
                                 const WalRepairOptions& options);

// An inclusive range of offsets; to == 0 when its end is unknown (no valid record follows).
struct OffsetRange {
  uint64_t from = 0;
  uint64_t to = 0;
};
std::string DescribeRange(const OffsetRange& r);                 // "41..57", "90..?"
std::string DescribeRanges(const std::vector<OffsetRange>& rs);  // "41..57, 90..?", "none"

// ---------------------------------------------------------------------------
// truncate-tail: only for a torn tail (the writer died mid-write).

enum class TailVerdict {
  kClean,     // nothing after the last valid record: nothing to do
  kTornTail,  // the cuts below remove exactly the torn tail
  kRefused,   // damage other than a torn tail (or gaps): this command must not touch the log
};
const char* TailVerdictName(TailVerdict v);

// One file the cut touches.
struct TailCut {
  std::string file;
  uint64_t file_size = 0;
  uint64_t keep_bytes = 0;  // the file is cut to this size; bytes after it go to quarantine
  bool whole_file = false;  // no usable header (e.g. empty, zero-filled): the file itself goes
  std::string reason;       // the reader's words, e.g. "zero-filled tail"
};

struct TailPlan {
  TailVerdict verdict = TailVerdict::kClean;
  std::string refusal;  // kRefused: the damage found and what to run instead
  std::vector<TailCut> cuts;
  // Offsets no segment file holds (lost earlier, e.g. kept as gaps by a salvage). They
  // are not bytes to cut and no repair brings them back, so they neither block the cut
  // nor change; the log then reads as these gaps and nothing else.
  std::vector<OffsetRange> gaps;
  uint64_t last_offset = 0;  // the log's last valid record, which the cut keeps
  uint64_t last_term = 0;
};

struct TailResult {
  TailPlan plan;
  std::string quarantine_dir;  // empty when nothing was cut
};

// Plans the cut; Busy while the folder is in use. With options.apply (under
// dir/LOCK) it also cuts when the plan is kTornTail: the bytes go to quarantine
// first, then each segment is cut and fsynced, then the folder.
Result<TailResult> TruncateTail(const std::string& dir, const WalRepairOptions& options);

// ---------------------------------------------------------------------------
// salvage: rewrite the log from every intact record.

enum class SalvageVerdict {
  kNothingToDo,  // no damage a rewrite removes (gaps stay: no file holds those offsets)
  kSalvage,      // rewrite the log from its intact records
  kResume,       // an interrupted salvage of this folder is finished instead
  kRefused,      // no intact record: a rewrite would leave an empty log
};
const char* SalvageVerdictName(SalvageVerdict v);

// An original segment file. Applying moves every one into the quarantine untouched.
struct SalvageInput {
  std::string file;
  uint64_t bytes = 0;
  std::string role;  // "log" (its intact records are rewritten), "foreign" or "unreadable"
  uint64_t records_kept = 0;
  std::string detail;
  bool done = false;  // already in the quarantine (an interrupted salvage)
};

// A segment of the rewritten log.
struct SalvageOutput {
  std::string name;
  uint64_t first_offset = 0;
  uint64_t last_offset = 0;
  uint64_t records = 0;
  uint64_t bytes = 0;
  bool done = false;  // already moved into the log folder (an interrupted salvage)
};

struct SalvagePlan {
  SalvageVerdict verdict = SalvageVerdict::kNothingToDo;
  std::string note;  // why nothing is done or refused; for kResume, what was interrupted
  uint32_t tid = 0, pid = 0;
  uint64_t segment_bytes = 0;  // output segments roll before growing past this
  std::vector<SalvageInput> inputs;
  std::vector<SalvageOutput> outputs;
  std::vector<OffsetRange> lost;     // offsets no intact record holds, merged and sorted
  std::vector<std::string> damages;  // every damage the reader reported, one line each
  uint64_t records_kept = 0;
  uint64_t duplicate_bytes = 0;  // copies of offsets already kept (overlapping segments)
  std::string interrupted;       // kResume: the quarantine folder of the interrupted salvage
};

struct SalvageResult {
  SalvagePlan plan;
  std::string quarantine_dir;  // where the originals went (empty when nothing was done)
};

// Plans the salvage; Busy while the folder is in use. With options.apply (under
// dir/LOCK) it also rewrites the log for kSalvage, or finishes the interrupted
// salvage for kResume, crash-safely (see wal_repair.cc).
Result<SalvageResult> Salvage(const std::string& dir, const WalRepairOptions& options);

// ---------------------------------------------------------------------------
// cut at a hole: after a salvage, keep only the history before a hole.

struct HoleCut {
  std::vector<std::string> moved;  // segment files moved whole into the quarantine
  std::string quarantine_dir;      // empty when nothing was moved
};

// Moves every segment whose first offset is past `hole_from` (a hole a salvage
// left, which salvage ends a segment before) whole into a quarantine
// (`<time>-after-wal-hole`), then fsyncs the folder: the log then ends at
// hole_from - 1. For a replica whose DB had not applied past the hole (its
// records after it have no consistent history to continue) when its loss is
// accepted. Applies at once (there is no dry run: the caller decided); Busy
// while the folder is in use.
Result<HoleCut> CutAfterHole(const std::string& dir, uint64_t hole_from, const WalRepairOptions& options);

// JSON forms, shared by the salvage journal and `repair wal ... --json`.
void to_json(nlohmann::json& j, const OffsetRange& r);  // {"from": 90, "to": null} when the end is unknown
void from_json(const nlohmann::json& j, OffsetRange& r);
void to_json(nlohmann::json& j, const TailCut& c);
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(SalvageInput, file, bytes, role, records_kept, detail, done)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(SalvageOutput, name, first_offset, last_offset, records, bytes, done)

}  // namespace kv::repair
