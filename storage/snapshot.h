// Snapshots of a replica: snapshots/<offset>/ holds a RocksDB checkpoint taken
// at a consistent applied (term, offset) and manifest.json describing it
// (format: docs/storage.md, "Snapshot manifest"). They let a DB be rebuilt
// without the WAL before them, and let followers catch up.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/checksum.h"
#include "storage/layout.h"
#include "storage/log_position.h"
#include "common/status.h"

namespace kv::storage {

struct SnapshotManifest {
  static constexpr uint64_t kFormatVersion = 1;

  uint32_t tid = 0;
  uint32_t pid = 0;
  LogPosition position;     // the applied (term, offset) the checkpoint holds
  ContentChecksum content;  // of the checkpoint's data
  std::string created;      // UTC, e.g. "2026-11-28T12:19:28Z"
};

constexpr const char* kSnapshotManifestName = "manifest.json";

Result<SnapshotManifest> ReadSnapshotManifest(const std::string& snapshot_dir);
Status WriteSnapshotManifest(const std::string& snapshot_dir, const SnapshotManifest& m);

struct SnapshotInfo {
  uint64_t offset = 0;  // from the folder name
  std::string dir;
  std::optional<SnapshotManifest> manifest;  // nullopt when unreadable (status says why)
  Status status;
};

// The snapshots of a replica folder, oldest first; an unreadable or
// inconsistent one is listed with its status. Reads only the manifests, never writes.
Result<std::vector<SnapshotInfo>> ListSnapshots(const ReplicaPaths& replica);
// The newest readable snapshot with offset <= max_offset.
std::optional<SnapshotInfo> NewestSnapshot(const std::vector<SnapshotInfo>& snapshots,
                                           uint64_t max_offset = UINT64_MAX);

// Opens the checkpoint read-only and checks that it holds what its manifest
// says: partition, applied position, record count and content checksum.
// Corruption naming the first difference. Never writes.
Result<SnapshotManifest> VerifySnapshot(const std::string& snapshot_dir);

}  // namespace kv::storage
