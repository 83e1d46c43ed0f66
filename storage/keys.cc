#include "storage/keys.h"

#include <memory>

#include "storage/db.h"
#include "wal/record.h"

namespace kv::storage {
namespace {

constexpr size_t kAppliedSize = 4 + 4 + 4 + 8 + 8;

void PutBigEndian64(std::string* dst, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) dst->push_back(static_cast<char>((v >> shift) & 0xff));
}

uint64_t GetBigEndian64(std::string_view s) {
  uint64_t v = 0;
  for (char c : s.substr(0, 8)) v = (v << 8) | static_cast<uint8_t>(c);
  return v;
}

}  // namespace

std::string DataKey(std::string_view user_key) {
  std::string k;
  k.reserve(user_key.size() + 1);
  k.push_back(kDataPrefix);
  k.append(user_key);
  return k;
}

std::string TermStartKey(uint64_t first_offset) {
  std::string k(kTermIndexPrefix);
  PutBigEndian64(&k, first_offset);  // big-endian, so that keys sort by offset
  return k;
}

std::string EncodeApplied(const AppliedMeta& m) {
  std::string v;
  wal::PutFixed32(&v, kAppliedFormatVersion);
  wal::PutFixed32(&v, m.tid);
  wal::PutFixed32(&v, m.pid);
  wal::PutFixed64(&v, m.position.term);
  wal::PutFixed64(&v, m.position.offset);
  return v;
}

Result<AppliedMeta> DecodeApplied(std::string_view v) {
  if (v.size() != kAppliedSize) {
    return Status::Corruption("meta key m:applied holds " + std::to_string(v.size()) + " bytes, not " +
                              std::to_string(kAppliedSize));
  }
  const uint32_t version = wal::DecodeFixed32(v.data());
  if (version != kAppliedFormatVersion) {
    return Status::Corruption("meta key m:applied has format version " + std::to_string(version) +
                              " (this build reads version " + std::to_string(kAppliedFormatVersion) + ")");
  }
  AppliedMeta m;
  m.tid = wal::DecodeFixed32(v.data() + 4);
  m.pid = wal::DecodeFixed32(v.data() + 8);
  m.position.term = wal::DecodeFixed64(v.data() + 12);
  m.position.offset = wal::DecodeFixed64(v.data() + 20);
  return m;
}

Result<std::optional<AppliedMeta>> ReadApplied(rocksdb::DB* db) {
  std::string value;
  rocksdb::Status s = db->Get(rocksdb::ReadOptions(), rocksdb::Slice(kAppliedKey.data(), kAppliedKey.size()), &value);
  if (s.IsNotFound()) return std::optional<AppliedMeta>();
  KV_RETURN_IF_ERROR(FromRocks(s, "read m:applied"));
  KV_ASSIGN_OR_RETURN(AppliedMeta m, DecodeApplied(value));
  return std::optional<AppliedMeta>(m);
}

Result<LogPosition> ReadAppliedOf(rocksdb::DB* db, uint32_t tid, uint32_t pid, const std::string& where) {
  KV_ASSIGN_OR_RETURN(std::optional<AppliedMeta> m, ReadApplied(db));
  if (!m) return LogPosition{};
  if (m->tid != tid || m->pid != pid) {
    return Status::FailedPrecondition(where + " holds table " + std::to_string(m->tid) + " partition " +
                                      std::to_string(m->pid) + ", not table " + std::to_string(tid) +
                                      " partition " + std::to_string(pid));
  }
  return m->position;
}

Result<LogPosition> TermStartAt(rocksdb::DB* db, uint64_t offset) {
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
  it->SeekForPrev(TermStartKey(offset));
  KV_RETURN_IF_ERROR(FromRocks(it->status(), "read the term index"));
  if (!it->Valid() || !it->key().starts_with(rocksdb::Slice(kTermIndexPrefix.data(), kTermIndexPrefix.size()))) {
    return Status::NotFound("no term starts at or before offset " + std::to_string(offset));
  }
  const std::string_view key(it->key().data(), it->key().size());
  const std::string_view value(it->value().data(), it->value().size());
  if (key.size() != kTermIndexPrefix.size() + 8 || value.size() != 8) {
    return Status::Corruption("malformed term index entry");
  }
  return LogPosition{wal::DecodeFixed64(value.data()), GetBigEndian64(key.substr(kTermIndexPrefix.size()))};
}

}  // namespace kv::storage
