#include "bench/embedded_store.h"

#include <rocksdb/db.h>

#include <utility>
#include <vector>

#include "storage/db.h"
#include "storage/storage_env.h"

namespace kv::bench {

EmbeddedStore::EmbeddedStore(std::unique_ptr<storage::StorageEnv> env, std::unique_ptr<rocksdb::DB> db,
                             std::string table)
    : env_(std::move(env)), db_(std::move(db)), table_(std::move(table)) {}

EmbeddedStore::~EmbeddedStore() = default;

Result<std::unique_ptr<EmbeddedStore>> EmbeddedStore::Open(const std::string& dir, const std::string& table) {
  auto env = std::make_unique<storage::StorageEnv>();
  rocksdb::Options options = storage::ReplicaDbOptions(*env);
  options.error_if_exists = true;  // a run starts from an empty DB, as a new table does
  rocksdb::DB* raw = nullptr;
  KV_RETURN_IF_ERROR(storage::FromRocks(rocksdb::DB::Open(options, dir, &raw), "open RocksDB " + dir));
  return std::unique_ptr<EmbeddedStore>(new EmbeddedStore(std::move(env), std::unique_ptr<rocksdb::DB>(raw), table));
}

Status EmbeddedStore::CheckTable(const std::string& table) const {
  if (table == table_) return Status::OK();
  return Status::NotFound("table " + table + ": the embedded store holds only " + table_);
}

Result<StoreAck> EmbeddedStore::Put(const std::string& table, const std::string& key, const std::string& value) {
  KV_RETURN_IF_ERROR(CheckTable(table));
  rocksdb::WriteOptions written_not_synced;  // wal_level 1's durability (see the header)
  written_not_synced.sync = false;
  KV_RETURN_IF_ERROR(storage::FromRocks(db_->Put(written_not_synced, key, value), "put " + key));
  return StoreAck{};
}

Result<std::optional<std::string>> EmbeddedStore::Get(const std::string& table, const std::string& key) {
  KV_RETURN_IF_ERROR(CheckTable(table));
  std::string value;
  const rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), key, &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  KV_RETURN_IF_ERROR(storage::FromRocks(s, "get " + key));
  return std::optional<std::string>(std::move(value));
}

Result<uint64_t> EmbeddedStore::Scan(const std::string& table, const std::string& from, uint64_t limit) {
  KV_RETURN_IF_ERROR(CheckTable(table));
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  std::vector<std::pair<std::string, std::string>> records;
  for (it->Seek(from); it->Valid() && (limit == 0 || records.size() < limit); it->Next()) {
    records.emplace_back(it->key().ToString(), it->value().ToString());
  }
  KV_RETURN_IF_ERROR(storage::FromRocks(it->status(), "scan from " + from));
  return uint64_t(records.size());
}

}  // namespace kv::bench
