// Opening a replica's RocksDB. Internal to kv_storage.
//
// Every write goes with WriteOptions::disableWAL: our WAL is the log, and the
// DB's applied (term, offset) says how far it got (invariant 7). What RocksDB
// keeps after a crash is therefore exactly what it had flushed, a prefix of our
// batches (one column family, flushed in order), which the WAL replays past.
#pragma once

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/write_buffer_manager.h>

#include <memory>
#include <string>

#include "storage/storage_env.h"
#include "common/status.h"

namespace kv::storage {

struct StorageEnv::Shared {
  std::shared_ptr<rocksdb::Cache> block_cache;
  std::shared_ptr<rocksdb::WriteBufferManager> write_buffers;  // null without a budget
};

// The kv::Status of a RocksDB status, with context. A held RocksDB LOCK is Busy.
Status FromRocks(const rocksdb::Status& s, const std::string& context);

rocksdb::Options ReplicaDbOptions(const StorageEnv& env);
rocksdb::WriteOptions ApplyWriteOptions();

// Read-write, created when missing.
Result<std::unique_ptr<rocksdb::DB>> OpenDb(const std::string& path, const StorageEnv& env);
// Read-only and writing nothing at all into path (no LOG file, no lock, no
// OPTIONS): what inspection and snapshot checks use. Safe beside a live replica,
// which it sees as of its last flush.
Result<std::unique_ptr<rocksdb::DB>> OpenDbReadOnly(const std::string& path);

}  // namespace kv::storage
