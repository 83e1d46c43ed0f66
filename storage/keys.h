// The key space of a replica's RocksDB (docs/storage.md, "RocksDB keys").
// Internal to kv_storage.
//
//   d<user key>                 data: the user's key with a 'd' in front
//   m:applied                   the applied (term, offset) and the DB's identity (invariant 7)
//   m:term:<offset, 8 bytes BE> a term index entry: the term that starts at offset
//
// Data and meta keys can never collide (different first byte), and iterating
// data is a prefix scan of 'd'.
#pragma once

#include <rocksdb/db.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/log_position.h"
#include "common/status.h"

namespace kv::storage {

constexpr char kDataPrefix = 'd';
constexpr std::string_view kAppliedKey = "m:applied";
constexpr std::string_view kTermIndexPrefix = "m:term:";
constexpr uint32_t kAppliedFormatVersion = 1;

std::string DataKey(std::string_view user_key);
std::string TermStartKey(uint64_t first_offset);

// What m:applied holds: format_version(4) tid(4) pid(4) term(8) offset(8), little-endian.
struct AppliedMeta {
  uint32_t tid = 0;
  uint32_t pid = 0;
  LogPosition position;
};
std::string EncodeApplied(const AppliedMeta& m);
Result<AppliedMeta> DecodeApplied(std::string_view value);

// nullopt for a DB that never applied anything.
Result<std::optional<AppliedMeta>> ReadApplied(rocksdb::DB* db);
// Like ReadApplied, and refuses a DB of another partition.
Result<LogPosition> ReadAppliedOf(rocksdb::DB* db, uint32_t tid, uint32_t pid, const std::string& where);

// The term of the record at offset, and the first offset of that term, from the term
// index (which covers every applied offset). NotFound when offset precedes every term.
Result<LogPosition> TermStartAt(rocksdb::DB* db, uint64_t offset);

}  // namespace kv::storage
