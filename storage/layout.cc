#include "storage/layout.h"

#include <charconv>
#include <cstdio>

namespace kv::storage {
namespace {

constexpr size_t kSnapshotNameDigits = 20;

template <typename T>
std::optional<T> ParseDecimal(std::string_view s) {
  T v{};
  if (s.empty() || s.front() == '+' || s.front() == '-') return std::nullopt;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

ReplicaPaths::ReplicaPaths(std::string replica_dir)
    : dir(std::move(replica_dir)),
      descriptor(dir + "/replica.json"),
      wal(dir + "/wal"),
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

std::string ReplicaDir(const std::string& data_dir, uint32_t tid, uint32_t pid) {
  return data_dir + "/partitions/" + ReplicaDirName(tid, pid);
}

std::string QuarantineRoot(const std::string& data_dir) { return data_dir + "/quarantine"; }

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
