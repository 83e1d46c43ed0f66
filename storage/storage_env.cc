#include "storage/storage_env.h"

#include <rocksdb/env.h>

#include "storage/db.h"

namespace kv::storage {

StorageEnv::StorageEnv(StorageEnvOptions options)
    : options_(options), shared_(std::make_unique<Shared>()) {
  shared_->block_cache = rocksdb::NewLRUCache(options_.block_cache_bytes);
  if (options_.memtable_budget_bytes > 0) {
    // Memtables are charged to the block cache, so one number bounds both.
    shared_->write_buffers =
        std::make_shared<rocksdb::WriteBufferManager>(options_.memtable_budget_bytes, shared_->block_cache);
  }
  rocksdb::Env* env = rocksdb::Env::Default();
  env->SetBackgroundThreads(options_.flush_threads, rocksdb::Env::Priority::HIGH);
  env->SetBackgroundThreads(options_.compaction_threads, rocksdb::Env::Priority::LOW);
}

StorageEnv::~StorageEnv() = default;

}  // namespace kv::storage
