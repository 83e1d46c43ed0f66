// Reading a WAL: every valid record in offset order, and every damage reported.
//
// The reader only reads and reports. What to do about damage is the caller's
// policy, given by the handler's OnDamage answer (see ReadMode and ModePolicy
// below): the database's open, `inspect wal --verify` and salvage all use this
// one loop. The rules that decide what counts as a torn tail versus damage are
// in wal/FORMAT.md, section "Reading".
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "wal/record.h"
#include "wal/segment.h"

namespace kv::wal {

enum class DamageKind {
  kTornTail,          // the writer died mid-write: bad bytes at the very end of the last segment
  kCorruptRecords,    // bad bytes in the middle of the log: records lost or unknown
  kBadSegmentHeader,  // a segment file whose header is unreadable: the whole file is skipped
  kForeignSegment,    // a valid segment of another table/partition: skipped
  kMissingSegment,    // a hole between segments: a range of offsets has no file
  kOverlap,           // two segments hold the same offsets: the later copies are skipped
  kOffsetJump,        // a valid record whose offset is not previous + 1
  kTermRegression,    // a valid record whose term is lower than the one before it
};
const char* DamageKindName(DamageKind k);

// One damaged region, with everything an operator needs to find it again.
struct Damage {
  DamageKind kind = DamageKind::kCorruptRecords;
  std::string file;          // the segment file (empty for a missing segment)
  uint64_t file_pos = 0;     // byte position in file where the damage starts
  uint64_t length = 0;       // bytes affected (skipped)
  std::string reason;        // a distinct text per situation, e.g. "record payload checksum mismatch"
  bool has_crc = false;
  uint32_t expected_crc = 0;
  uint32_t computed_crc = 0;
  // The offsets around the damage. last_good_offset = 0 when none came before;
  // next_good_offset = 0 when nothing valid follows (the lost range is then open-ended).
  uint64_t last_good_offset = 0;
  uint64_t next_good_offset = 0;
  // The offsets lost, when known: [lost_from, lost_to]; lost_to == 0 means "unknown end".
  uint64_t lost_from = 0;
  uint64_t lost_to = 0;

  std::string Describe() const;  // one line for people
};

// Where a record sits on disk.
struct RecordLocation {
  const std::string* file = nullptr;
  uint64_t file_pos = 0;
  uint64_t length = 0;
};

class ReadHandler {
 public:
  virtual ~ReadHandler() = default;
  // Return false to stop reading. The record's payload points into the reader's
  // buffer: copy what must outlive the call.
  virtual bool OnRecord(const RecordView& record, const RecordLocation& where) = 0;
  // Return false to stop reading at this damage.
  virtual bool OnDamage(const Damage& damage) = 0;
};

// Policies for the three reader modes of the WAL: the decision per damage.
enum class ReadMode {
  kStrict,             // any damage stops the read and is an error
  kTolerateTornTail,   // a torn tail ends the read cleanly; any other damage is an error
  kSalvage,            // skip every damaged region, resynchronise, keep going
};
bool ModeAllows(ReadMode mode, const Damage& damage);
const char* ReadModeName(ReadMode mode);

// How a read ended.
enum class ReadEnd {
  kCleanEnd,        // every byte read was part of a valid record
  kTornTail,        // ended at a torn tail (only damage seen)
  kDamaged,         // damage seen (and the read went on past it, or the tail is damaged mid-log)
  kStoppedAtDamage, // the handler stopped the read at a damage
  kStoppedByCaller, // the handler stopped the read at a record
};
const char* ReadEndName(ReadEnd e);

struct ReadSummary {
  ReadEnd end = ReadEnd::kCleanEnd;
  uint64_t segments = 0;
  uint64_t records = 0;          // valid records delivered
  uint64_t bytes = 0;            // bytes of all segment files examined
  uint64_t skipped_bytes = 0;    // bytes in damaged regions and skipped files
  uint64_t damages = 0;
  uint64_t first_offset = 0;     // of the first record delivered (0 = none)
  uint64_t last_offset = 0;      // of the last record delivered
  uint64_t last_term = 0;
  std::string last_file;         // where the last valid record ends:
  uint64_t last_end_pos = 0;     //   a writer may append from (last_file, last_end_pos)
};

struct ReadOptions {
  uint64_t from_offset = 0;  // deliver records with offset >= this (seeks by segment name)
  uint64_t to_offset = 0;    // stop after this offset (0 = to the end)
  // Expected identity of the log; 0 = take it from the first readable segment.
  uint32_t tid = 0;
  uint32_t pid = 0;
  bool expect_identity = false;
};

// The segment files of a WAL folder, in name order. Non-segment names (LOCK,
// quarantine/, *.tmp) are ignored here; `inspect wal` lists them separately.
Result<std::vector<std::string>> ListSegmentFiles(const std::string& dir);

// Reads the given segment files (any order; they are sorted by first offset)
// and calls the handler. Returns a non-OK status only when a file cannot be
// read at all (I/O error); damage goes to the handler, never to the status.
Result<ReadSummary> ReadSegments(const std::vector<std::string>& files, const ReadOptions& options,
                                 ReadHandler* handler);
Result<ReadSummary> ReadLog(const std::string& dir, const ReadOptions& options, ReadHandler* handler);

// Convenience for the common case: read dir in mode, calling on_record for each
// record. Corruption (naming the first damage) when the mode does not allow
// what was found.
Result<ReadSummary> ReadLogInMode(const std::string& dir, ReadMode mode, const ReadOptions& options,
                                  const std::function<bool(const RecordView&)>& on_record);

}  // namespace kv::wal
