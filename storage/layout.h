// Where the files of a partition replica live (docs/storage.md, "Layout"):
//
//   DATA_DIR/partitions/<tid>_<pid>/
//     replica.json  wal/  db/  snapshots/<offset>/
//   DATA_DIR/quarantine/
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace kv::storage {

struct ReplicaPaths {
  explicit ReplicaPaths(std::string replica_dir);

  std::string dir;
  std::string descriptor;  // replica.json
  std::string wal;
  std::string db;
  std::string snapshots;
  std::string rebuild_tmp;  // a DB being rebuilt, renamed over db/ when complete

  // snapshots/<offset as 20 digits>: names sort in offset order, as WAL segments do.
  std::string Snapshot(uint64_t offset) const;
};

std::string ReplicaDirName(uint32_t tid, uint32_t pid);  // "<tid>_<pid>"
// (tid, pid) from a replica folder name; nullopt when the name is not one.
std::optional<std::pair<uint32_t, uint32_t>> ParseReplicaDirName(std::string_view name);
std::string ReplicaDir(const std::string& data_dir, uint32_t tid, uint32_t pid);
std::string QuarantineRoot(const std::string& data_dir);

std::string SnapshotDirName(uint64_t offset);
// The offset named by a snapshot folder name; nullopt for other names (temporary folders).
std::optional<uint64_t> ParseSnapshotDirName(std::string_view name);

}  // namespace kv::storage
