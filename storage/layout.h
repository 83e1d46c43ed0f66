// The on-disk layout of a tablet's data dir and of a replica folder
// (docs/storage.md, "Layout"). Every name below is spelled here, and nowhere
// else: the tablet, the offline tools and the benchmarks ask these types.
//
//   DATA_DIR/
//     LOCK                         held (FileLock, common/file.h) by the running tablet
//     tablet.json                  endpoint, tablet id, format version
//     staging/                     snapshots being received from a leader
//     partitions/<tid>_<pid>/      one replica (ReplicaPaths)
//       replica.json  settings.json  wal/ (wal/LOCK)  db/  db.rebuild/  snapshots/<offset>/
//     quarantine/<time>-<reason>/  what was cut, replaced or dropped
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace kv::storage {

struct DataDirPaths {
  explicit DataDirPaths(std::string data_dir);

  std::string dir;
  std::string lock;         // LOCK
  std::string tablet_json;  // tablet.json
  std::string staging;
  std::string partitions;
  std::string quarantine;

  std::string Replica(uint32_t tid, uint32_t pid) const;  // partitions/<tid>_<pid>
};

// Implicit from the folder's path, which is all it takes: the storage and repair
// functions take ReplicaPaths, so a caller works the paths out once and passes
// them down.
struct ReplicaPaths {
  ReplicaPaths(std::string replica_dir);  // NOLINT(google-explicit-constructor)
  ReplicaPaths(const char* replica_dir) : ReplicaPaths(std::string(replica_dir)) {}  // NOLINT

  std::string dir;
  std::string descriptor;  // replica.json
  std::string settings;    // settings.json: the table's settings, written by the tablet (cluster/tablet/replica_settings.h)
  std::string wal;
  std::string wal_lock;    // held by the WAL writer while the replica is open
  std::string db;
  std::string snapshots;
  std::string rebuild_tmp;  // a DB being rebuilt, renamed over db/ when complete

  // snapshots/<offset as 20 digits>: names sort in offset order, as WAL segments do.
  std::string Snapshot(uint64_t offset) const;
};

std::string ReplicaDirName(uint32_t tid, uint32_t pid);  // "<tid>_<pid>"
// (tid, pid) from a replica folder name; nullopt when the name is not one.
std::optional<std::pair<uint32_t, uint32_t>> ParseReplicaDirName(std::string_view name);
// The data dir holding replica_dir when it is DATA_DIR/partitions/<tid>_<pid>
// ("." for a relative "partitions/<tid>_<pid>"); nullopt when it is placed otherwise.
std::optional<std::string> EnclosingDataDir(const std::string& replica_dir);
// Shorthands of DataDirPaths(data_dir).Replica(tid, pid) and .quarantine.
std::string ReplicaDir(const std::string& data_dir, uint32_t tid, uint32_t pid);
std::string QuarantineRoot(const std::string& data_dir);

std::string SnapshotDirName(uint64_t offset);
// The offset named by a snapshot folder name; nullopt for other names (temporary folders).
std::optional<uint64_t> ParseSnapshotDirName(std::string_view name);

}  // namespace kv::storage
