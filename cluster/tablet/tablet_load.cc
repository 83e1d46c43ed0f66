// LoadReplica (cluster/proto/kv.proto, `ops loadtable`): OpenMLDB's loadtable,
// the manual restore's way to bring a replica folder put back by an operator
// (from a backup, or out of quarantine) into service without restarting the
// tablet, and so without disturbing the replicas it already serves.
#include "storage/descriptor.h"
#include "storage/layout.h"
#include "cluster/tablet/log.h"
#include "cluster/tablet/tablet.h"
#include "common/file.h"

namespace kv::tablet {
namespace {

std::string InspectHint(const std::string& dir) { return " (see `inspect partition " + dir + "`)"; }

// What GetStatus shows of a folder being loaded.
v1::ReplicaStatus Loading(PartitionKey key, const std::string& table) {
  v1::ReplicaStatus status;
  SetPartitionId(key, status.mutable_partition());
  status.set_table_name(table);
  status.set_state(v1::TABLE_LOADING);
  return status;
}

}  // namespace

Error CheckFolderHolds(const std::string& folder, PartitionKey key, const std::string& table) {
  auto desc = storage::ReadDescriptor(storage::ReplicaPaths(folder).descriptor);
  if (!desc.ok()) {
    return MakeError(v1::FAILED_PRECONDITION, "partition " + key.ToString() + ": cannot read its replica.json: " +
                                                  desc.status().message() + InspectHint(folder));
  }
  // The folder's name is only where it was put; its descriptor says what it is.
  if (desc->table != table || desc->tid != key.tid || desc->pid != key.pid) {
    return MakeError(v1::FAILED_PRECONDITION,
                     folder + " holds table '" + desc->table + "' tid " + std::to_string(desc->tid) + " pid " +
                         std::to_string(desc->pid) + " (its replica.json), not table '" + table + "' tid " +
                         std::to_string(key.tid) + " pid " + std::to_string(key.pid));
  }
  return OkError();
}

std::string TableOfFolder(const std::string& replica_dir) {
  auto desc = storage::ReadDescriptor(storage::ReplicaPaths(replica_dir).descriptor);
  return desc.ok() ? desc->table : std::string();
}

void Tablet::NoteUnopenedLocked(PartitionKey key, UnopenedFolder folder) { unopened_[key] = std::move(folder); }

void Tablet::LoadReplica(const v1::LoadReplicaRequest& req, v1::LoadReplicaResponse* resp) {
  const PartitionKey key = KeyOf(req.partition());
  *resp->mutable_error() = WithLoadedStatus(key, Load(key, req.table_name()), resp->mutable_status());
}

Error Tablet::WithLoadedStatus(PartitionKey key, Error e, v1::ReplicaStatus* status) {
  if (IsOk(e)) {
    if (auto p = Find(key, &e)) e = p->FillStatus(/*with_checksum=*/false, /*fresh_count=*/true, status);
  }
  return e;
}

bool Tablet::Serves(PartitionKey key) const {
  std::lock_guard<std::mutex> l(map_mu_);
  return partitions_.count(key) > 0;
}

Error Tablet::Load(PartitionKey key, const std::string& table) {
  if (table.empty()) {
    return MakeError(v1::INVALID_ARGUMENT, "LoadReplica of partition " + key.ToString() + " needs the table's name");
  }
  // One control call at a time: no CreateReplica or DropReplica of the same
  // folder while it is checked and opened.
  std::lock_guard<std::mutex> control(control_mu_);
  return LoadUnderControl(key, table);
}

Error Tablet::LoadUnderControl(PartitionKey key, const std::string& table) {
  const std::string where = "partition " + key.ToString();
  {
    std::lock_guard<std::mutex> l(map_mu_);
    if (partitions_.count(key)) {
      return MakeError(v1::ALREADY_EXISTS, where + " is already open on this tablet (see gettablestatus)");
    }
  }
  const std::string dir = ReplicaDir(key);
  if (!IsDirectory(dir)) {
    std::lock_guard<std::mutex> l(map_mu_);
    unopened_.erase(key);  // a folder that failed at start and has since been taken away
    return MakeError(v1::NOT_FOUND, "no replica folder " + dir + " on this tablet: put the folder to load there first");
  }
  if (Error holds = CheckFolderHolds(dir, key, table); !IsOk(holds)) return holds;
  {
    std::lock_guard<std::mutex> l(map_mu_);
    loading_[key] = table;
  }
  Log().info("{}: loading {} (LoadReplica)", where, dir);
  auto opened = OpenExisting(key);  // as at start: a leader in replica.json waits for the nameserver
  UnopenedFolder failed;
  if (!opened.ok()) failed = LookAtUnopened(dir, opened.status().message());
  std::lock_guard<std::mutex> l(map_mu_);
  loading_.erase(key);
  if (!opened.ok()) {
    NoteUnopenedLocked(key, std::move(failed));
    Log().error("{}: LoadReplica failed: {}", where, opened.status().message());
    return MakeError(v1::FAILED_PRECONDITION,
                     where + ": cannot open " + dir + ": " + opened.status().message() + InspectHint(dir));
  }
  unopened_.erase(key);
  partitions_[key] = *opened;
  Log().info("{}: loaded from {}; served from now on", where, dir);
  return OkError();
}

bool Tablet::UnservedStatus(PartitionKey key, v1::ReplicaStatus* status) const {
  std::lock_guard<std::mutex> l(map_mu_);
  if (auto it = loading_.find(key); it != loading_.end()) {
    *status = Loading(key, it->second);
    return true;
  }
  if (auto it = unopened_.find(key); it != unopened_.end()) {
    *status = UnopenedStatus(key, it->second);
    return true;
  }
  return false;
}

std::vector<v1::ReplicaStatus> Tablet::UnservedStatuses() const {
  std::lock_guard<std::mutex> l(map_mu_);
  std::vector<v1::ReplicaStatus> all;
  for (const auto& [key, table] : loading_) all.push_back(Loading(key, table));
  for (const auto& [key, unopened] : unopened_) all.push_back(UnopenedStatus(key, unopened));
  return all;
}

}  // namespace kv::tablet
