// WAL records in memory: the owning form a writer takes, the view a reader gives,
// and the payload codec for put / delete / batch / no-op.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "wal/format.h"

namespace kv::wal {

const char* RecordTypeName(RecordType t);
// Parses "put", "delete", "batch", "noop"; false when unknown.
bool ParseRecordType(std::string_view name, RecordType* out);

// A record to append. offset and term are (term, offset) of invariant 1.
struct Record {
  uint64_t offset = 0;
  uint64_t term = 0;
  RecordType type = RecordType::kPut;
  std::string payload;

  static Record Put(uint64_t term, std::string_view key, std::string_view value);
  static Record Delete(uint64_t term, std::string_view key);
  static Record Noop(uint64_t term, std::string_view note);
};

// Builds a kBatch payload: several puts/deletes applied atomically.
class BatchBuilder {
 public:
  void Put(std::string_view key, std::string_view value);
  void Delete(std::string_view key);
  uint32_t count() const { return count_; }
  Record Finish(uint64_t term) const;

 private:
  uint32_t count_ = 0;
  std::string ops_;
};

// A record as read from a segment; the views point into the reader's mapping
// and are valid only during the callback that receives them.
struct RecordView {
  uint64_t offset = 0;
  uint64_t term = 0;
  RecordType type = RecordType::kNoop;
  std::string_view payload;
};

// One key-level operation inside a record (a put/delete record is one op, a batch many).
struct Op {
  RecordType type;  // kPut or kDelete
  std::string_view key;
  std::string_view value;
};

// Calls fn for every op in the record (none for kNoop). Corruption when the
// payload does not decode; a CRC-valid record that fails here was written wrong.
Status ForEachOp(const RecordView& r, const std::function<void(const Op&)>& fn);

// Fixed-width little-endian and varint codecs shared by the WAL's files.
void PutFixed32(std::string* dst, uint32_t v);
void PutFixed64(std::string* dst, uint64_t v);
// Inline: the read loop decodes several fields per record.
inline uint32_t DecodeFixed32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);  // the format is little-endian, as is every machine we build for
  return v;
}
inline uint64_t DecodeFixed64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
void PutVarint32(std::string* dst, uint32_t v);
// Reads a varint32 from *in, advancing it; false when malformed or truncated.
bool GetVarint32(std::string_view* in, uint32_t* v);

}  // namespace kv::wal
