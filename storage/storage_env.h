// What every replica of a process shares, so that hundreds fit in one tablet:
// one RocksDB block cache, one background thread pool, optionally one memtable
// budget, and the RocksDB options every replica's DB is opened with.
#pragma once

#include <cstdint>
#include <memory>

namespace kv::wal {
class FileOps;
}

namespace kv::storage {

struct StorageEnvOptions {
  uint64_t block_cache_bytes = 256ull << 20;  // LRU, shared; index and filter blocks live in it too
  uint64_t write_buffer_bytes = 4ull << 20;   // per replica memtable
  int max_write_buffers = 2;                  // per replica: one filling, one flushing
  uint64_t memtable_budget_bytes = 0;  // all replicas' memtables together; 0 = no process-wide bound
  int max_open_files = 32;             // per replica; the fd budget is replicas x this
  int flush_threads = 2;               // shared by every replica
  int compaction_threads = 2;
  // Power-cut tests set these two; the servers keep the defaults.
  // The file layer every replica's WAL writer uses (wal/file_ops.h); null: the system's.
  wal::FileOps* wal_files = nullptr;
  // Closing a DB flushes its memtable (it has no RocksDB WAL). false: the
  // memtable is dropped, as a power cut drops it, and opening replays our WAL.
  bool flush_on_close = true;
};

class StorageEnv {
 public:
  explicit StorageEnv(StorageEnvOptions options = {});
  ~StorageEnv();
  StorageEnv(const StorageEnv&) = delete;
  StorageEnv& operator=(const StorageEnv&) = delete;

  const StorageEnvOptions& options() const { return options_; }

  struct Shared;  // the RocksDB objects (storage/db.h)
  const Shared& shared() const { return *shared_; }

 private:
  StorageEnvOptions options_;
  std::unique_ptr<Shared> shared_;
};

}  // namespace kv::storage
