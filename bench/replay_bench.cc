// replay-bench: how fast opening a replica replays our WAL into RocksDB,
// measured next to RocksDB recovering the same records from its own WAL.
//
// Ours: records written with wal::Writer, then Replica::Open on an empty DB,
// which replays them all. RocksDB's: the same records put one by one with its
// WAL on, closed without a flush, then DB::Open, which replays its WAL (and,
// as RocksDB does by default, flushes what it recovered). For a like-for-like
// pair both use the replica options with memtables big enough for every record,
// so neither flushes during the replay; a third line shows ours with the
// replica's default 4 MiB memtables. Figures: docs/storage.md.
#include <rocksdb/db.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cli/parse_flags.h"
#include "common/quarantine.h"
#include "storage/db.h"
#include "storage/layout.h"
#include "storage/replica.h"
#include "wal/writer.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace st = kv::storage;

std::string Key(uint64_t i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "key%016llu", static_cast<unsigned long long>(i));
  return buf;
}

// Deterministic, half-compressible values: what a real table might hold.
std::string Value(uint64_t i, size_t size) {
  std::string v(size, 'v');
  uint64_t x = i * 0x9E3779B97F4A7C15ull + 1;
  for (size_t j = 0; j < size / 2; ++j) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    v[j] = static_cast<char>('a' + x % 26);
  }
  return v;
}

double Seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

int Fail(const std::string& what) {
  std::fprintf(stderr, "replay-bench: %s\n", what.c_str());
  return 1;
}

kv::Status WriteOurWal(const std::string& wal_dir, uint64_t records, size_t value_bytes) {
  kv::wal::WriterOptions wo;
  wo.tid = 1;
  wo.wal_level = 1;
  KV_ASSIGN_OR_RETURN(auto writer, kv::wal::Writer::Open(wal_dir, wo));
  std::vector<kv::wal::Record> batch;
  for (uint64_t i = 1; i <= records; ++i) {
    batch.push_back(kv::wal::Record::Put(1, Key(i), Value(i, value_bytes)));
    if (batch.size() == 1000 || i == records) {
      KV_RETURN_IF_ERROR(writer->AppendAssigning(&batch));
      batch.clear();
    }
  }
  return kv::Status::OK();
}

kv::Result<double> TimeOurReplay(const std::string& replica_dir, uint64_t records, st::StorageEnv& env) {
  st::ReplicaOptions ro;
  ro.table = "bench";
  ro.tid = 1;
  ro.wal_level = 1;
  ro.quarantine_root = (std::filesystem::path(replica_dir).parent_path() / kv::kQuarantineFolderName).string();
  ro.replay_progress_every = 0;
  const auto start = Clock::now();
  KV_ASSIGN_OR_RETURN(auto replica, st::Replica::Open(replica_dir, ro, env));
  const double secs = Seconds(start);
  if (replica->Applied().offset != records) return kv::Status::Corruption("our replay stopped short");
  return secs;
}

kv::Status WriteRocksWal(const std::string& path, const rocksdb::Options& options, uint64_t records,
                         size_t value_bytes) {
  rocksdb::DB* raw = nullptr;
  KV_RETURN_IF_ERROR(st::FromRocks(rocksdb::DB::Open(options, path, &raw), "open"));
  std::unique_ptr<rocksdb::DB> db(raw);
  for (uint64_t i = 1; i <= records; ++i) {
    KV_RETURN_IF_ERROR(st::FromRocks(db->Put(rocksdb::WriteOptions(), Key(i), Value(i, value_bytes)), "put"));
  }
  KV_RETURN_IF_ERROR(st::FromRocks(db->FlushWAL(true), "sync WAL"));
  return st::FromRocks(db->Close(), "close");
}

kv::Result<double> TimeRocksRecovery(const std::string& path, const rocksdb::Options& options, uint64_t records) {
  rocksdb::DB* raw = nullptr;
  const auto start = Clock::now();
  KV_RETURN_IF_ERROR(st::FromRocks(rocksdb::DB::Open(options, path, &raw), "reopen"));
  const double secs = Seconds(start);
  std::unique_ptr<rocksdb::DB> db(raw);
  std::string v;
  KV_RETURN_IF_ERROR(st::FromRocks(db->Get(rocksdb::ReadOptions(), Key(records), &v), "check the last key"));
  return secs;
}

// Writes, replays and prints; 1 when anything failed.
int Run(const std::string& dir, uint64_t records, size_t value_bytes) {
  // Memtables that hold every record (twice over), for the like-for-like pair.
  st::StorageEnvOptions big;
  big.write_buffer_bytes = std::max<uint64_t>(64ull << 20, 2 * records * (value_bytes + 64));
  st::StorageEnv big_env(big), default_env;
  std::fprintf(stderr, "writing %llu records of %zu-byte values twice under %s\n",
               static_cast<unsigned long long>(records), value_bytes, dir.c_str());
  kv::Status s = WriteOurWal(st::ReplicaPaths(dir + "/ours").wal, records, value_bytes);
  if (!s.ok()) return Fail(s.ToString());
  std::error_code ec;
  std::filesystem::copy(dir + "/ours", dir + "/ours-default", std::filesystem::copy_options::recursive, ec);
  if (ec) return Fail("copy " + dir + "/ours: " + ec.message());
  rocksdb::Options rocks_options = st::ReplicaDbOptions(big_env);
  rocks_options.avoid_flush_during_shutdown = true;  // leave everything in its WAL
  s = WriteRocksWal(dir + "/rocksdb", rocks_options, records, value_bytes);
  if (!s.ok()) return Fail(s.ToString());

  std::fprintf(stderr, "replaying\n");
  auto ours = TimeOurReplay(dir + "/ours", records, big_env);
  if (!ours.ok()) return Fail(ours.status().ToString());
  auto theirs = TimeRocksRecovery(dir + "/rocksdb", rocks_options, records);
  if (!theirs.ok()) return Fail(theirs.status().ToString());
  auto ours_default = TimeOurReplay(dir + "/ours-default", records, default_env);
  if (!ours_default.ok()) return Fail(ours_default.status().ToString());

  auto row = [&](const char* what, double secs) {
    std::printf("%-50s %9.3f %12.0f\n", what, secs, records / secs);
  };
  std::printf("%-50s %9s %12s\n", "replay", "seconds", "records/s");
  row("our WAL -> RocksDB (Replica::Open)", *ours);
  row("RocksDB WAL recovery (DB::Open)", *theirs);
  row("our WAL -> RocksDB, 4 MiB memtables (the default)", *ours_default);
  std::printf("ours / RocksDB speed: %.2f\n", *theirs / *ours);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"replay-bench: our WAL's replay into RocksDB next to RocksDB's own WAL recovery", "replay-bench"};
  uint64_t records = 500000;
  size_t value_bytes = 100;
  std::string dir;
  app.add_option("--records", records, "records to write and replay")->check(CLI::Range(1ull, 100000000ull));
  app.add_option("--value-bytes", value_bytes, "bytes per value")->check(CLI::Range(0, 1 << 20));
  app.add_option("--dir", dir, "an empty or new scratch folder (default: a new folder in $TMPDIR, removed afterwards)");
  if (auto code = kv::cli::ParseFlagsOrExit(app, argc, argv)) return *code;
  const bool own_dir = dir.empty();
  std::error_code ec;
  if (own_dir) {
    dir = (std::filesystem::temp_directory_path(ec) / ("replay-bench-" + std::to_string(::getpid()))).string();
  }
  if (std::filesystem::exists(dir, ec) && !std::filesystem::is_empty(dir, ec)) {
    std::fprintf(stderr, "replay-bench: %s is not empty; give an empty or new folder\n", dir.c_str());
    return 2;
  }
  if (!std::filesystem::create_directories(dir, ec) && ec) {
    std::fprintf(stderr, "replay-bench: cannot create %s: %s\n", dir.c_str(), ec.message().c_str());
    return 2;
  }
  const int code = Run(dir, records, value_bytes);
  if (own_dir) std::filesystem::remove_all(dir, ec);
  return code;
}
