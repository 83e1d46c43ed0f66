#include "storage/snapshot.h"

#include <cerrno>
#include <cstdlib>

#include "storage/data_scan.h"
#include "storage/db.h"
#include "storage/json_fields.h"
#include "storage/keys.h"
#include "storage/layout.h"
#include "common/file.h"

namespace kv::storage {

Result<SnapshotManifest> ReadSnapshotManifest(const std::string& snapshot_dir) {
  const std::string path = snapshot_dir + "/" + kSnapshotManifestName;
  KV_ASSIGN_OR_RETURN(nlohmann::json j, ReadJsonObject(path));
  KV_RETURN_IF_ERROR(CheckFormatVersion(j, SnapshotManifest::kFormatVersion, path));
  SnapshotManifest m;
  KV_ASSIGN_OR_RETURN(m.tid, JsonField<uint32_t>(j, "tid", path));
  KV_ASSIGN_OR_RETURN(m.pid, JsonField<uint32_t>(j, "pid", path));
  KV_ASSIGN_OR_RETURN(m.position.offset, JsonField<uint64_t>(j, "offset", path));
  KV_ASSIGN_OR_RETURN(m.position.term, JsonField<uint64_t>(j, "term", path));
  KV_ASSIGN_OR_RETURN(m.content.record_count, JsonField<uint64_t>(j, "record_count", path));
  KV_ASSIGN_OR_RETURN(std::string algorithm, JsonField<std::string>(j, "checksum_algorithm", path));
  if (algorithm != ContentChecksum::kAlgorithm) {
    return Status::Corruption(path + ": checksum_algorithm \"" + algorithm + "\" is not " +
                              ContentChecksum::kAlgorithm);
  }
  KV_ASSIGN_OR_RETURN(std::string hex, JsonField<std::string>(j, "content_checksum", path));
  char* end = nullptr;
  errno = 0;
  m.content.sum = std::strtoull(hex.c_str(), &end, 16);
  if (hex.size() != 16 || errno != 0 || end != hex.c_str() + hex.size()) {
    return Status::Corruption(path + ": content_checksum \"" + hex + "\" is not 16 hex digits");
  }
  KV_ASSIGN_OR_RETURN(m.created, JsonField<std::string>(j, "created", path));
  return m;
}

Status WriteSnapshotManifest(const std::string& snapshot_dir, const SnapshotManifest& m) {
  nlohmann::json j = {{"format_version", SnapshotManifest::kFormatVersion},
                      {"tid", m.tid},
                      {"pid", m.pid},
                      {"offset", m.position.offset},
                      {"term", m.position.term},
                      {"record_count", m.content.record_count},
                      {"checksum_algorithm", ContentChecksum::kAlgorithm},
                      {"content_checksum", m.content.Hex()},
                      {"created", m.created}};
  return WriteFileAtomic(snapshot_dir + "/" + kSnapshotManifestName, j.dump(2) + "\n");
}

Result<std::vector<SnapshotInfo>> ListSnapshots(const ReplicaPaths& paths) {
  std::vector<SnapshotInfo> out;
  if (!PathExists(paths.snapshots)) return out;
  KV_ASSIGN_OR_RETURN(std::vector<std::string> names, ListDir(paths.snapshots));
  for (const std::string& name : names) {
    auto offset = ParseSnapshotDirName(name);
    if (!offset) continue;  // a temporary folder of a snapshot being made
    SnapshotInfo info;
    info.offset = *offset;
    info.dir = paths.snapshots + "/" + name;
    auto m = ReadSnapshotManifest(info.dir);
    if (!m.ok()) {
      info.status = m.status();
    } else if (m->position.offset != *offset) {
      info.status = Status::Corruption(info.dir + ": the manifest says offset " +
                                       std::to_string(m->position.offset) + " but the folder is named " + name);
    } else {
      info.manifest = *m;
    }
    out.push_back(std::move(info));
  }
  return out;
}

std::optional<SnapshotInfo> NewestSnapshot(const std::vector<SnapshotInfo>& snapshots, uint64_t max_offset) {
  for (auto it = snapshots.rbegin(); it != snapshots.rend(); ++it) {
    if (it->manifest && it->offset <= max_offset) return *it;
  }
  return std::nullopt;
}

Result<SnapshotManifest> VerifySnapshot(const std::string& snapshot_dir) {
  KV_ASSIGN_OR_RETURN(SnapshotManifest m, ReadSnapshotManifest(snapshot_dir));
  KV_ASSIGN_OR_RETURN(auto db, OpenDbReadOnly(snapshot_dir));
  KV_ASSIGN_OR_RETURN(LogPosition applied, ReadAppliedOf(db.get(), m.tid, m.pid, snapshot_dir));
  if (applied != m.position) {
    return Status::Corruption(snapshot_dir + ": the checkpoint holds applied " + applied.ToString() +
                              " but the manifest says " + m.position.ToString());
  }
  KV_ASSIGN_OR_RETURN(ContentChecksum actual, ChecksumData(db.get()));
  if (actual != m.content) {
    return Status::Corruption(snapshot_dir + ": the checkpoint holds " + std::to_string(actual.record_count) +
                              " records with checksum " + actual.Hex() + " but the manifest says " +
                              std::to_string(m.content.record_count) + " with " + m.content.Hex());
  }
  return m;
}

}  // namespace kv::storage
