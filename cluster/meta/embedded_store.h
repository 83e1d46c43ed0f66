// The embedded back end: a RocksDB in <data_dir>/meta whose every write is
// fsynced, locked by <data_dir>/LOCK so two nameservers never share it.
//
// Encoding (format version 1, README.md): the RocksDB key is the metadata key
// itself; the RocksDB value is the key's version as 8 bytes little-endian
// followed by the value bytes. The key "#format_version" (outside the '/'
// keyspace) holds "1".
#pragma once

#include <rocksdb/db.h>

#include <memory>
#include <shared_mutex>
#include <string>

#include "cluster/meta/meta_store.h"
#include "common/file.h"

namespace kv::meta {

class EmbeddedStore final : public MetaStore {
 public:
  static Result<std::unique_ptr<EmbeddedStore>> Open(const std::string& data_dir);
  ~EmbeddedStore() override;

  Result<std::optional<Versioned>> Get(const std::string& key) override;
  Status Put(const std::string& key, const std::string& value) override;
  Status PutIfVersion(const std::string& key, const std::string& value, int64_t expected_version) override;
  Status Delete(const std::string& key) override;
  Result<std::vector<std::pair<std::string, Versioned>>> List(const std::string& folder) override;
  Status Close() override;

 private:
  EmbeddedStore(FileLock lock, std::unique_ptr<rocksdb::DB> db, std::string dir)
      : lock_(std::move(lock)), db_(std::move(db)), dir_(std::move(dir)) {}
  Result<std::optional<Versioned>> ReadLocked(const std::string& key);
  Status WriteLocked(const std::string& key, const std::string& value, std::optional<Versioned> current);

  // Shared by reads; exclusive for writes (read the version, write the next
  // one) and for Close.
  std::shared_mutex mu_;
  std::optional<FileLock> lock_;
  std::unique_ptr<rocksdb::DB> db_;
  const std::string dir_;
};

}  // namespace kv::meta
