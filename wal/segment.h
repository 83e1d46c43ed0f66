// One segment file: its name, its header, and the encoding and parsing of the
// records inside it. Everything here works on bytes; the log-level readers
// (wal/reader.h, wal/tail.h) and the writer (wal/writer.h) sit on top.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/file.h"
#include "common/status.h"
#include "wal/file_window.h"
#include "wal/format.h"
#include "wal/record.h"

namespace kv::wal {

struct SegmentHeader {
  uint32_t version = kFormatVersion;
  uint32_t tid = 0;
  uint32_t pid = 0;
  uint64_t first_offset = 1;
};

std::string SegmentFileName(uint64_t first_offset);
// The first offset named by a segment file name; nullopt when the name is not a segment's.
std::optional<uint64_t> ParseSegmentFileName(std::string_view name);

std::string EncodeSegmentHeader(const SegmentHeader& h);
// Corruption (with the reason) when the bytes are not a valid header.
Result<SegmentHeader> DecodeSegmentHeader(std::string_view bytes);
bool AllZero(std::string_view bytes);

// Appends the encoded record (header, payload, trailer) to dst.
void EncodeRecord(const Record& r, std::string* dst);

// The result of trying to parse one record at a byte position.
enum class ParseOutcome {
  kRecord,         // a complete, checksummed record
  kEndOfData,      // pos is exactly the end of the data
  kTruncated,      // fewer bytes remain than the record (or its header) needs
  kBadHeaderCrc,   // header checksum mismatch
  kBadHeader,      // header checksum fine but fields impossible (type, reserved, length)
  kBadPayloadCrc,  // payload checksum mismatch
  kBadTrailer,     // trailer length does not match the record
};
const char* ParseOutcomeReason(ParseOutcome o);

struct ParsedRecord {
  ParseOutcome outcome = ParseOutcome::kEndOfData;
  RecordView view;         // valid when outcome == kRecord
  size_t length = 0;       // bytes the record occupies (kRecord), or the bytes examined
  uint32_t expected_crc = 0;  // for the CRC outcomes: stored (unmasked) and computed values
  uint32_t computed_crc = 0;
  // kTruncated (with a whole header), kBadPayloadCrc, kBadTrailer: the header is
  // intact, so the damage is known to cost at least this record.
  uint64_t header_offset = 0;
  uint64_t header_term = 0;
};

// Parses the record starting at data[pos]. Never reads outside data.
ParsedRecord ParseRecordAt(std::string_view data, size_t pos);

// Cheap pre-check used while resynchronising: could a record start at pos?
// (header checksum only, no payload checksum).
bool HeaderLooksValid(std::string_view data, size_t pos);

// The header of the file behind the window: Corruption when its bytes are not
// a valid header, IOError when they cannot be read.
Result<SegmentHeader> ReadSegmentHeader(FileWindow* file);

// ParseRecordAt over a file: reads through the window what the record at pos
// needs, so the outcome is the one ParseRecordAt gives on the whole file. The
// record's payload view stays valid until the window's next Ensure.
Status ParseRecordIn(FileWindow* file, uint64_t pos, ParsedRecord* out);

}  // namespace kv::wal
