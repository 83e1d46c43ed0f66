#include "cluster/tablet/data_dir.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>

#include "storage/layout.h"

namespace kv::tablet {
namespace {

std::string NewTabletId() {
  std::random_device rd;
  std::uniform_int_distribution<uint64_t> dist;
  char id[17];
  std::snprintf(id, sizeof id, "%016llx", static_cast<unsigned long long>(dist(rd)));
  return id;
}

}  // namespace

Result<DataDir> DataDir::Open(const std::string& dir) {
  if (PathExists(dir) && !IsDirectory(dir)) return Status::InvalidArgument("data dir " + dir + " is not a folder");
  KV_RETURN_IF_ERROR(CreateDirs(dir));
  const storage::DataDirPaths paths(dir);
  auto lock = FileLock::Acquire(paths.lock);
  if (!lock.ok()) {
    if (lock.status().IsBusy()) {
      return Status::Busy("data dir " + dir + " is in use: another process holds " + paths.lock +
                          " (is a tablet already running on it?)");
    }
    return lock.status();
  }
  DataDir d(dir, std::move(lock).value());
  const std::string& path = paths.tablet_json;
  if (!PathExists(path)) {
    d.tablet_id_ = NewTabletId();
    return d;
  }
  KV_ASSIGN_OR_RETURN(std::string text, ReadWholeFile(path));
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("format_version") || !j["format_version"].is_number_integer() ||
      !j.contains("tablet_id") || !j["tablet_id"].is_string() || !j.contains("endpoint") ||
      !j["endpoint"].is_string()) {
    return Status::Corruption(path + " is not a tablet.json (format_version, endpoint, tablet_id)");
  }
  if (j["format_version"].get<int>() != kTabletJsonVersion) {
    return Status::FailedPrecondition(path + " has format_version " + j["format_version"].dump() +
                                      ", this tablet reads version " + std::to_string(kTabletJsonVersion));
  }
  d.tablet_id_ = j["tablet_id"].get<std::string>();
  d.recorded_endpoint_ = j["endpoint"].get<std::string>();
  return d;
}

Status DataDir::RecordEndpoint(const std::string& endpoint) {
  const nlohmann::json j = {
      {"format_version", kTabletJsonVersion}, {"endpoint", endpoint}, {"tablet_id", tablet_id_}};
  KV_RETURN_IF_ERROR(WriteFileAtomic(storage::DataDirPaths(dir_).tablet_json, j.dump(2) + "\n"));
  recorded_endpoint_ = endpoint;
  return Status::OK();
}

std::string DataDir::partitions_dir() const { return storage::DataDirPaths(dir_).partitions; }
std::string DataDir::quarantine_dir() const { return storage::DataDirPaths(dir_).quarantine; }
std::string DataDir::staging_dir() const { return storage::DataDirPaths(dir_).staging; }

}  // namespace kv::tablet
