#include "storage/db.h"

#include <rocksdb/env.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>

namespace kv::storage {
namespace {

// Read-only opens must not create RocksDB's LOG file in the folder they inspect.
class SilentLogger : public rocksdb::Logger {
 public:
  using rocksdb::Logger::Logv;
  void Logv(const char*, va_list) override {}
};

}  // namespace

Status FromRocks(const rocksdb::Status& s, const std::string& context) {
  if (s.ok()) return Status::OK();
  const std::string msg = context + ": " + s.ToString();
  if (s.IsNotFound()) return Status::NotFound(msg);
  if (s.IsCorruption()) return Status::Corruption(msg);
  if (s.IsInvalidArgument()) return Status::InvalidArgument(msg);
  if (s.IsBusy() || (s.IsIOError() && s.ToString().find("lock") != std::string::npos)) {
    return Status::Busy(msg + " (another process has this replica open)");
  }
  return Status::IOError(msg);
}

rocksdb::Options ReplicaDbOptions(const StorageEnv& env) {
  const StorageEnvOptions& o = env.options();
  rocksdb::Options opt;
  opt.create_if_missing = true;
  opt.env = rocksdb::Env::Default();
  opt.write_buffer_size = o.write_buffer_bytes;
  opt.max_write_buffer_number = o.max_write_buffers;
  opt.write_buffer_manager = env.shared().write_buffers;
  opt.max_open_files = o.max_open_files;
  opt.max_background_jobs = 2;
  opt.keep_log_file_num = 2;  // RocksDB's info LOG, per replica
  opt.max_log_file_size = 1 << 20;
  opt.avoid_flush_during_shutdown = !o.flush_on_close;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = env.shared().block_cache;
  table.cache_index_and_filter_blocks = true;  // memory stays within the shared cache
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  opt.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return opt;
}

rocksdb::WriteOptions ApplyWriteOptions() {
  rocksdb::WriteOptions wo;
  wo.disableWAL = true;  // our WAL already holds every batch (invariant 1)
  return wo;
}

Result<std::unique_ptr<rocksdb::DB>> OpenDb(const std::string& path, const StorageEnv& env) {
  rocksdb::DB* raw = nullptr;
  KV_RETURN_IF_ERROR(FromRocks(rocksdb::DB::Open(ReplicaDbOptions(env), path, &raw), "open RocksDB " + path));
  return std::unique_ptr<rocksdb::DB>(raw);
}

Result<std::unique_ptr<rocksdb::DB>> OpenDbReadOnly(const std::string& path) {
  rocksdb::Options opt;
  opt.create_if_missing = false;
  opt.info_log = std::make_shared<SilentLogger>();
  opt.max_open_files = 16;
  rocksdb::DB* raw = nullptr;
  KV_RETURN_IF_ERROR(FromRocks(rocksdb::DB::OpenForReadOnly(opt, path, &raw), "open RocksDB read-only " + path));
  return std::unique_ptr<rocksdb::DB>(raw);
}

}  // namespace kv::storage
