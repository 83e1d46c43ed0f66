// One RocksDB in this process as a workload's Store (ops/bench/store.h): the
// yardstick `ycsb-ratio` runs the replicated store's YCSB workloads against.
//
// Opened with the options every replica's RocksDB has (storage/db.h: block
// cache, bloom filters, memtable size), with RocksDB's own WAL on and a Put
// returning once its record is written to that WAL but not synced
// (WriteOptions::sync false). That is the durability of the replicated
// store's default, wal_level 1: a write() before the acknowledgement, which
// survives a crash of the process but not of the machine (wal/FORMAT.md).
#pragma once

#include <memory>
#include <string>

#include "ops/bench/store.h"

namespace rocksdb {
class DB;
}
namespace kv::storage {
class StorageEnv;
}

namespace kv::bench {

class EmbeddedStore : public Store {
 public:
  // A new DB in dir (which must not hold one), holding the one table `table`.
  static Result<std::unique_ptr<EmbeddedStore>> Open(const std::string& dir, const std::string& table);
  ~EmbeddedStore() override;

  // An ack of all zeros: one partition, no leaders, and no log position
  // (RocksDB does not say which sequence number a Put got).
  Result<StoreAck> Put(const std::string& table, const std::string& key, const std::string& value) override;
  Result<std::optional<std::string>> Get(const std::string& table, const std::string& key) override;
  // Copies every record it reads, as the client hands them over.
  Result<uint64_t> Scan(const std::string& table, const std::string& from, uint64_t limit) override;

 private:
  EmbeddedStore(std::unique_ptr<storage::StorageEnv> env, std::unique_ptr<rocksdb::DB> db, std::string table);
  Status CheckTable(const std::string& table) const;

  std::unique_ptr<storage::StorageEnv> env_;  // the DB's cache and threads: outlives db_
  std::unique_ptr<rocksdb::DB> db_;
  const std::string table_;
};

}  // namespace kv::bench
