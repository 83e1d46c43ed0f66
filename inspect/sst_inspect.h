// Read-only forensics over RocksDB SST files, through RocksDB's public API.
//
// Every file is opened with rocksdb::SstFileReader, which only reads: nothing
// here can change a byte (invariant 8). The public API decides what is visible:
//  - Entries are the *live user keys* that SstFileReader's iterator (a DBIter
//    at the newest sequence number) yields, in the file's key order. Point
//    deletions and older versions of a key are not listed; the properties count
//    them (deletions, entries). Range deletions are NOT applied, since the reader
//    has no range-deletion aggregator: keys they cover are still listed.
//  - A key whose newest entries are merge operands is listed as a merge, with
//    the newest operand as its value: the writer's merge operator is unknown here.
//  - Smallest and largest key are the first and last live keys.
//  - Only RocksDB's bytewise and reverse bytewise comparators are known. A file
//    written with another comparator gets its properties read but is never
//    iterated: Debian's RocksDB is built with assertions, and its iterator
//    aborts the process when the file's key order disagrees with the reader's.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace kv::inspect {

// The files PATHs name, in the order given: a file as it is (whatever its name),
// a folder as its *.sst files in name order (not recursive; e.g. a RocksDB db/).
// NotFound for a missing path, InvalidArgument for a folder without .sst files,
// IOError for a file that cannot be opened for reading.
Result<std::vector<std::string>> ListSstFiles(const std::vector<std::string>& paths);

struct SstProperties {
  std::string file;
  uint64_t file_size = 0;
  uint64_t entries = 0;  // every entry: puts, deletions, merge operands, range deletions
  uint64_t deletions = 0;
  uint64_t merge_operands = 0;
  uint64_t range_deletions = 0;
  uint64_t data_blocks = 0;
  uint64_t data_size = 0;
  uint64_t index_size = 0;
  uint64_t filter_size = 0;
  uint64_t raw_key_size = 0;
  uint64_t raw_value_size = 0;
  uint64_t format_version = 0;
  std::string filter_policy;  // empty: no filter
  std::string compression;
  std::string comparator;
  std::string column_family;                 // empty: unknown (e.g. written by SstFileWriter)
  std::optional<uint64_t> column_family_id;  // none: unknown
  uint64_t file_creation_time = 0;           // unix seconds; 0: unknown
  std::string db_id;                         // the DB that wrote the file ("SST Writer" for SstFileWriter)
  uint64_t original_file_number = 0;         // its number in that DB; 0: unknown
  // First and last live keys; none when the file has no live key or when
  // key_range_status says why they could not be read.
  std::optional<std::string> smallest_key;
  std::optional<std::string> largest_key;
  Status key_range_status;
};

// Fails (Corruption) when the file cannot be opened as an SST: not an SST at
// all, truncated, or a damaged footer, index or properties block.
Result<SstProperties> ReadSstProperties(const std::string& file);

enum class SstEntryType { kPut, kMerge };
const char* SstEntryTypeName(SstEntryType t);

// One live entry; key and value point into the reader and are valid only
// during the visit call.
struct SstEntry {
  std::string_view key;
  std::string_view value;
  SstEntryType type = SstEntryType::kPut;
};

struct SstScanOptions {
  std::optional<std::string> from;  // the first key listed, if present (inclusive)
  std::optional<std::string> to;    // listing stops before this key (exclusive)
  uint64_t limit = 0;               // at most this many entries; 0: no limit
};

enum class SstScanEnd {
  kEndOfFile,  // every live entry in range was listed
  kReachedTo,  // stopped at the first key at or after --to
  kLimit,      // listed `limit` entries
  kDamaged,    // the reader met damage (a block failing its checksum, ...): see damage
};
const char* SstScanEndName(SstScanEnd e);

struct SstScanSummary {
  uint64_t entries = 0;  // entries listed before the scan ended
  SstScanEnd end = SstScanEnd::kEndOfFile;
  Status damage;  // why the scan stopped when end == kDamaged
};

// Streams the live entries in key order to visit, collecting nothing, so memory
// stays bounded whatever the file's size. Fails when the file cannot be opened
// as an SST, or (FailedPrecondition) when its comparator is unknown; damage met
// while reading ends the scan with kDamaged after the entries read before it.
Result<SstScanSummary> ScanSst(const std::string& file, const SstScanOptions& options,
                               const std::function<void(const SstEntry&)>& visit);

// Checks every block of the file against its checksum. OK when clean; else
// Corruption naming the file and RocksDB's finding, including for a file that
// is not an SST at all.
Status VerifySst(const std::string& file);

}  // namespace kv::inspect
