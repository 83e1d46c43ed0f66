#include "cluster/meta/embedded_store.h"

#include <rocksdb/options.h>

#include <cstring>
#include <mutex>

#include "cluster/meta/meta_errors.h"
#include "cluster/meta/meta_key.h"

namespace kv::meta {

namespace {

constexpr char kFormatKey[] = "#format_version";
constexpr char kFormatVersion[] = "1";
constexpr size_t kVersionBytes = 8;

Status FromRocks(const rocksdb::Status& s, const std::string& what) {
  return Status::IOError(what + ": " + s.ToString());
}

std::string Encode(int64_t version, const std::string& value) {
  std::string out(kVersionBytes, '\0');
  auto v = static_cast<uint64_t>(version);
  for (size_t i = 0; i < kVersionBytes; ++i) out[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  return out + value;
}

Result<Versioned> Decode(const std::string& key, const std::string& stored, const std::string& dir) {
  if (stored.size() < kVersionBytes) {
    return Status::Corruption(dir + ": metadata key '" + key + "' has a " + std::to_string(stored.size()) +
                              "-byte record, shorter than its 8-byte version");
  }
  uint64_t v = 0;
  for (size_t i = 0; i < kVersionBytes; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(stored[i])) << (8 * i);
  return Versioned{stored.substr(kVersionBytes), static_cast<int64_t>(v)};
}

// A new store gets the format marker; an existing one must carry ours.
Status CheckFormat(rocksdb::DB& db, const std::string& dir) {
  std::string format;
  rocksdb::Status s = db.Get(rocksdb::ReadOptions(), kFormatKey, &format);
  if (s.ok()) {
    if (format == kFormatVersion) return Status::OK();
    return Status::FailedPrecondition(dir + ": metadata store has format_version " + format +
                                      "; this build reads format_version " + kFormatVersion);
  }
  if (!s.IsNotFound()) return FromRocks(s, "read " + dir);
  std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(rocksdb::ReadOptions()));
  it->SeekToFirst();
  if (it->Valid()) {
    return Status::Corruption(dir + ": metadata store has keys but no " + kFormatKey +
                              " (not made by this toolkit?)");
  }
  rocksdb::WriteOptions sync;
  sync.sync = true;
  s = db.Put(sync, kFormatKey, kFormatVersion);
  return s.ok() ? Status::OK() : FromRocks(s, "write " + dir);
}

rocksdb::WriteOptions Durable() {
  rocksdb::WriteOptions options;
  options.sync = true;
  return options;
}

}  // namespace

Result<std::unique_ptr<EmbeddedStore>> EmbeddedStore::Open(const std::string& data_dir) {
  KV_RETURN_IF_ERROR(CreateDirs(data_dir));
  KV_ASSIGN_OR_RETURN(FileLock lock, FileLock::Acquire(LockFileIn(data_dir)));
  const std::string dir = data_dir + "/meta";
  rocksdb::Options options;
  options.create_if_missing = true;
  options.keep_log_file_num = 5;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir, &raw);
  if (!s.ok()) return FromRocks(s, "open metadata store " + dir);
  std::unique_ptr<rocksdb::DB> db(raw);
  KV_RETURN_IF_ERROR(CheckFormat(*db, dir));
  return std::unique_ptr<EmbeddedStore>(new EmbeddedStore(std::move(lock), std::move(db), dir));
}

EmbeddedStore::~EmbeddedStore() { Close(); }

Result<std::optional<Versioned>> EmbeddedStore::ReadLocked(const std::string& key) {
  if (!db_) return StoreClosed();
  std::string stored;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), key, &stored);
  if (s.IsNotFound()) return std::optional<Versioned>();
  if (!s.ok()) return FromRocks(s, "read '" + key + "' from " + dir_);
  KV_ASSIGN_OR_RETURN(Versioned v, Decode(key, stored, dir_));
  return std::optional<Versioned>(std::move(v));
}

Status EmbeddedStore::WriteLocked(const std::string& key, const std::string& value,
                                  std::optional<Versioned> current) {
  const int64_t version = current ? current->version + 1 : 0;
  rocksdb::Status s = db_->Put(Durable(), key, Encode(version, value));
  return s.ok() ? Status::OK() : FromRocks(s, "write '" + key + "' to " + dir_);
}

Result<std::optional<Versioned>> EmbeddedStore::Get(const std::string& key) {
  KV_RETURN_IF_ERROR(ValidateKey(key));
  std::shared_lock lock(mu_);
  return ReadLocked(key);
}

Status EmbeddedStore::Put(const std::string& key, const std::string& value) {
  KV_RETURN_IF_ERROR(ValidateWrite(key, value));
  std::unique_lock lock(mu_);
  KV_ASSIGN_OR_RETURN(std::optional<Versioned> current, ReadLocked(key));
  return WriteLocked(key, value, std::move(current));
}

Status EmbeddedStore::PutIfVersion(const std::string& key, const std::string& value, int64_t expected_version) {
  KV_RETURN_IF_ERROR(ValidateCompareAndSet(key, value, expected_version));
  std::unique_lock lock(mu_);
  KV_ASSIGN_OR_RETURN(std::optional<Versioned> current, ReadLocked(key));
  const int64_t actual = current ? current->version : kMustNotExist;
  if (actual != expected_version) {
    return VersionConflict(key, expected_version, current ? std::optional<int64_t>(actual) : std::nullopt);
  }
  return WriteLocked(key, value, std::move(current));
}

Status EmbeddedStore::Delete(const std::string& key) {
  KV_RETURN_IF_ERROR(ValidateKey(key));
  std::unique_lock lock(mu_);
  if (!db_) return StoreClosed();
  rocksdb::Status s = db_->Delete(Durable(), key);
  return s.ok() ? Status::OK() : FromRocks(s, "delete '" + key + "' from " + dir_);
}

Result<std::vector<std::pair<std::string, Versioned>>> EmbeddedStore::List(const std::string& folder) {
  KV_RETURN_IF_ERROR(ValidateFolder(folder));
  std::shared_lock lock(mu_);
  if (!db_) return StoreClosed();
  const std::string prefix = FolderPrefix(folder);
  std::vector<std::pair<std::string, Versioned>> entries;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    std::string key = it->key().ToString();
    if (!IsDirectChild(folder, key)) continue;
    KV_ASSIGN_OR_RETURN(Versioned v, Decode(key, it->value().ToString(), dir_));
    entries.emplace_back(std::move(key), std::move(v));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "list '" + folder + "' in " + dir_);
  return entries;
}

Status EmbeddedStore::Close() {
  std::unique_lock lock(mu_);
  if (!db_) return Status::OK();
  rocksdb::Status s = db_->Close();
  db_.reset();
  lock_.reset();
  return s.ok() ? Status::OK() : FromRocks(s, "close " + dir_);
}

}  // namespace kv::meta
