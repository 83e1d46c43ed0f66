#include "storage/layout.h"

#include <charconv>
#include <cstdio>
#include <filesystem>

#include "common/file.h"
#include "common/quarantine.h"

namespace kv::storage {
namespace {

constexpr size_t kSnapshotNameDigits = 20;
constexpr const char* kPartitionsName = "partitions";

template <typename T>
std::optional<T> ParseDecimal(std::string_view s) {
  T v{};
  if (s.empty() || s.front() == '+' || s.front() == '-') return std::nullopt;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

DataDirPaths::DataDirPaths(std::string data_dir)
    : dir(std::move(data_dir)),
      lock(LockFileIn(dir)),
      tablet_json(dir + "/tablet.json"),
      staging(dir + "/staging"),
      partitions(dir + "/" + kPartitionsName),
      quarantine(dir + "/" + kQuarantineFolderName) {}

std::string DataDirPaths::Replica(uint32_t tid, uint32_t pid) const {
  return partitions + "/" + ReplicaDirName(tid, pid);
}

ReplicaPaths::ReplicaPaths(std::string replica_dir)
    : dir(std::move(replica_dir)),
      descriptor(dir + "/replica.json"),
      settings(dir + "/settings.json"),
      wal(dir + "/wal"),
      wal_lock(LockFileIn(wal)),
      db(dir + "/db"),
      snapshots(dir + "/snapshots"),
      rebuild_tmp(dir + "/db.rebuild") {}

std::string ReplicaPaths::Snapshot(uint64_t offset) const {
  return snapshots + "/" + SnapshotDirName(offset);
}

std::string ReplicaDirName(uint32_t tid, uint32_t pid) {
  return std::to_string(tid) + "_" + std::to_string(pid);
}

std::optional<std::pair<uint32_t, uint32_t>> ParseReplicaDirName(std::string_view name) {
  const size_t sep = name.find('_');
  if (sep == std::string_view::npos) return std::nullopt;
  auto tid = ParseDecimal<uint32_t>(name.substr(0, sep));
  auto pid = ParseDecimal<uint32_t>(name.substr(sep + 1));
  if (!tid || !pid) return std::nullopt;
  return std::make_pair(*tid, *pid);
}

std::optional<std::string> EnclosingDataDir(const std::string& replica_dir) {
  namespace fs = std::filesystem;
  fs::path p = fs::path(replica_dir).lexically_normal();
  if (p.filename().empty()) p = p.parent_path();  // "a/b/" names the same folder as "a/b"
  const fs::path partitions = p.parent_path();
  if (!ParseReplicaDirName(p.filename().string()) || partitions.filename() != kPartitionsName) return std::nullopt;
  const fs::path data_dir = partitions.parent_path();
  return data_dir.empty() ? "." : data_dir.string();
}

std::string ReplicaDir(const std::string& data_dir, uint32_t tid, uint32_t pid) {
  return DataDirPaths(data_dir).Replica(tid, pid);
}

std::string QuarantineRoot(const std::string& data_dir) { return DataDirPaths(data_dir).quarantine; }

std::string SnapshotDirName(uint64_t offset) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%020llu", static_cast<unsigned long long>(offset));
  return buf;
}

std::optional<uint64_t> ParseSnapshotDirName(std::string_view name) {
  if (name.size() != kSnapshotNameDigits) return std::nullopt;
  return ParseDecimal<uint64_t>(name);
}

}  // namespace kv::storage
