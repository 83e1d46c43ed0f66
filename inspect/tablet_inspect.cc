#include "inspect/tablet_inspect.h"

#include <algorithm>

#include "storage/layout.h"
#include "common/file.h"

namespace kv::inspect {
namespace {

void ReadTabletJson(const std::string& path, TabletReport* r) {
  auto text = ReadWholeFile(path);
  if (!text.ok()) {
    r->tablet_json_status = PathExists(path) ? text.status() : Status::NotFound(path + ": no such file");
    return;
  }
  nlohmann::json j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) {
    r->tablet_json_status = Status::Corruption(path + ": not a JSON object");
    return;
  }
  r->tablet_json = std::move(j);
}

}  // namespace

bool TabletReport::healthy() const {
  return std::all_of(replicas.begin(), replicas.end(), [](const PartitionReport& p) { return p.healthy(); });
}

Result<TabletReport> InspectTablet(const std::string& data_dir, const PartitionInspectOptions& options,
                                   const TabletProgress& progress) {
  if (!IsDirectory(data_dir)) return Status::NotFound(data_dir + ": no such data dir");
  const storage::DataDirPaths paths(data_dir);
  const std::string& partitions = paths.partitions;
  if (!PathExists(paths.tablet_json) && !PathExists(partitions)) {
    return Status::InvalidArgument(data_dir + " is not a tablet's data dir (neither tablet.json nor partitions/)");
  }
  TabletReport r;
  r.data_dir = data_dir;
  ReadTabletJson(paths.tablet_json, &r);
  r.lock_held = FileLock::IsHeld(paths.lock);
  if (!PathExists(partitions)) return r;
  KV_ASSIGN_OR_RETURN(std::vector<std::string> names, ListDir(partitions));
  std::vector<std::pair<std::pair<uint32_t, uint32_t>, std::string>> replicas;
  for (const std::string& name : names) {
    const std::string path = partitions + "/" + name;
    auto id = storage::ParseReplicaDirName(name);
    if (id && IsDirectory(path)) {
      replicas.emplace_back(*id, path);
    } else {
      r.ignored.push_back(path);
    }
  }
  std::sort(replicas.begin(), replicas.end());
  for (const auto& [id, path] : replicas) {
    if (progress) progress(r.replicas.size(), replicas.size(), path);
    KV_ASSIGN_OR_RETURN(PartitionReport p, InspectPartition(path, options));
    r.replicas.push_back(std::move(p));
  }
  return r;
}

nlohmann::json TabletHeaderJson(const TabletReport& r) {
  size_t unhealthy = 0;
  for (const PartitionReport& p : r.replicas) unhealthy += p.healthy() ? 0 : 1;
  return {{"type", "tablet"},
          {"format_version", kCollectFormatVersion},
          {"data_dir", r.data_dir},
          {"tablet", r.tablet_json ? *r.tablet_json : nlohmann::json(nullptr)},
          {"tablet_error", r.tablet_json_status.ok() ? nlohmann::json(nullptr) : nlohmann::json(r.tablet_json_status.message())},
          {"lock_held", r.lock_held},
          {"replicas", r.replicas.size()},
          {"unhealthy", unhealthy},
          {"ignored", r.ignored},
          {"collected", UtcTimestamp()}};
}

}  // namespace kv::inspect
