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
// True for the bytes of a segment file whose header was never completely written
// (shorter than a header, or all zeros): at the end of a log that is a torn tail,
// anywhere else a bad segment. The reader and FindTail both decide by this.
bool LooksLikeUnfinishedSegment(std::string_view bytes);
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
};

// Parses the record starting at data[pos]. Never reads outside data.
ParsedRecord ParseRecordAt(std::string_view data, size_t pos);

// Cheap pre-check used while resynchronising: could a record start at pos?
// (header checksum only, no payload checksum).
bool HeaderLooksValid(std::string_view data, size_t pos);

// A segment file mapped read-only. Memory stays bounded by the page cache
// whatever the file's size; opening never writes.
class MappedFile {
 public:
  static Result<MappedFile> Open(const std::string& path);
  MappedFile(MappedFile&& o) noexcept;
  MappedFile& operator=(MappedFile&& o) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  std::string_view data() const { return {static_cast<const char*>(addr_), size_}; }
  const std::string& path() const { return path_; }

 private:
  MappedFile(std::string path, void* addr, size_t size)
      : path_(std::move(path)), addr_(addr), size_(size) {}
  std::string path_;
  void* addr_ = nullptr;
  size_t size_ = 0;
};

}  // namespace kv::wal
