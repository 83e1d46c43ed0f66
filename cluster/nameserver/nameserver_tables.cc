// Tables: creation (validate, place, persist, create the replicas, or roll
// back) and removal.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

#include "cluster/nameserver/nameserver.h"
#include "cluster/nameserver/placement.h"
#include "cluster/nameserver/tablet_fanout.h"
#include "wal/durability.h"

namespace kv::ns {

namespace {

constexpr uint32_t kDefaultPartitions = 8;
constexpr uint32_t kDefaultReplicas = 3;
// Bounds that keep one table's document well under the MetaStore's value limit.
constexpr uint32_t kMaxPartitions = 256;
constexpr uint32_t kMaxReplicas = 9;
constexpr size_t kMaxNameLength = 128;

Status ValidateName(const std::string& name) {
  const bool allowed = std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '-';
  });
  if (name.empty() || name.size() > kMaxNameLength || !allowed) {
    return Status::InvalidArgument("table name '" + name + "' must be 1 to " + std::to_string(kMaxNameLength) +
                                   " characters of A-Z, a-z, 0-9, _ and -");
  }
  return Status::OK();
}

Status ValidateSettings(const v1::CreateTableRequest& r) {
  KV_RETURN_IF_ERROR(ValidateName(r.name()));
  if (r.partitions() > kMaxPartitions) {
    return Status::InvalidArgument("a table has at most " + std::to_string(kMaxPartitions) + " partitions, not " +
                                   std::to_string(r.partitions()));
  }
  if (r.replicas() > kMaxReplicas) {
    return Status::InvalidArgument("a partition has at most " + std::to_string(kMaxReplicas) + " replicas, not " +
                                   std::to_string(r.replicas()));
  }
  if (r.acks() != v1::ACKS_MAJORITY && r.acks() != v1::ACKS_LEADER) {
    return Status::InvalidArgument("acks must be majority or leader");
  }
  return wal::Durability::Resolve(r.wal_level(), r.wal_fsync_period_ms()).status();
}

// The replica count: as asked, or the default capped by the healthy tablets.
Result<uint32_t> ChooseReplicaCount(uint32_t requested, size_t healthy) {
  if (healthy == 0) return Status::FailedPrecondition("no healthy tablet to place a table on: start tablets first");
  if (requested == 0) return static_cast<uint32_t>(std::min<size_t>(kDefaultReplicas, healthy));
  if (requested > healthy) {
    return Status::FailedPrecondition("asked for " + std::to_string(requested) + " replicas but only " +
                                      std::to_string(healthy) +
                                      " tablets are healthy (a tablet holds at most one replica of a partition)");
  }
  return requested;
}

v1::ReplicaSpec SpecFor(const TableMeta& table, const PartitionMeta& partition, const ReplicaMeta& replica) {
  v1::ReplicaSpec spec = BaseSpec(table, partition.pid, replica.role, partition.term);
  if (replica.role == v1::LEADER) {
    for (const ReplicaMeta& other : partition.replicas) {
      if (other.endpoint != replica.endpoint) spec.add_followers(other.endpoint);
    }
  }
  return spec;
}

// "N of M <what> failed, first: <message>", or OK when none did.
Status Summarize(const std::vector<Status>& outcomes, const std::string& what) {
  size_t failed = 0;
  const Status* first = nullptr;
  for (const Status& s : outcomes) {
    if (s.ok()) continue;
    ++failed;
    if (first == nullptr) first = &s;
  }
  if (first == nullptr) return Status::OK();
  return first->WithContext(std::to_string(failed) + " of " + std::to_string(outcomes.size()) + " " + what +
                            " failed, first");
}

}  // namespace

std::vector<std::string> NameServer::HealthyTabletsLocked() const {
  std::vector<std::string> healthy;  // sorted: tablets_ is a map
  for (const auto& [endpoint, tablet] : tablets_) {
    if (tablet.meta.Usable()) healthy.push_back(endpoint);
  }
  return healthy;
}

Result<TableMeta> NameServer::PlanTableLocked(const v1::CreateTableRequest& request) {
  KV_RETURN_IF_ERROR(CheckActiveLocked());
  if (tables_.count(request.name()) != 0) {
    return Status::FailedPrecondition("table " + request.name() + " already exists");
  }
  const std::vector<std::string> healthy = HealthyTabletsLocked();
  KV_ASSIGN_OR_RETURN(uint32_t replica_count, ChooseReplicaCount(request.replicas(), healthy.size()));
  KV_ASSIGN_OR_RETURN(wal::Durability durability,
                      wal::Durability::Resolve(request.wal_level(), request.wal_fsync_period_ms()));
  const uint32_t partition_count = request.partitions() == 0 ? kDefaultPartitions : request.partitions();
  Result<uint32_t> tid = repository_.AllocateTid();
  if (!tid.ok()) return PersistedLocked(tid.status());
  KV_ASSIGN_OR_RETURN(Placement placement, PlaceReplicas(healthy, partition_count, replica_count, *tid));

  TableMeta table{.name = request.name(),
                  .tid = *tid,
                  .state = TableState::kCreating,
                  .replica_count = replica_count,
                  .acks = request.acks(),
                  .wal_level = durability.wal_level,
                  .wal_fsync_period_ms = durability.fsync_period_ms,
                  .created_at_ms = WallClockMs()};
  for (uint32_t pid = 0; pid < partition_count; ++pid) {
    PartitionMeta& partition = table.partitions.emplace_back(PartitionMeta{.pid = pid, .term = 1});
    for (const std::string& endpoint : placement[pid]) {
      const bool leads = partition.replicas.empty();  // placement lists the leader first
      partition.replicas.push_back({.endpoint = endpoint, .role = leads ? v1::LEADER : v1::FOLLOWER});
      if (leads) partition.leader = endpoint;
    }
  }
  KV_RETURN_IF_ERROR(PersistedLocked(repository_.SaveTable(table)));
  tables_.emplace(table.name, table);
  return table;
}

Status NameServer::CreateReplicas(const TableMeta& table, std::vector<ReplicaRef>* created) {
  // Followers first, so that a leader never starts replicating to a replica
  // that does not exist yet.
  for (v1::Role phase : {v1::FOLLOWER, v1::LEADER}) {
    std::vector<ReplicaRef> replicas;
    std::vector<TabletCall> calls;
    for (const PartitionMeta& partition : table.partitions) {
      for (const ReplicaMeta& replica : partition.replicas) {
        if (replica.role != phase) continue;
        replicas.push_back({replica.endpoint, PartitionIdOf(table, partition.pid)});
        calls.push_back({replica.endpoint, [this, spec = SpecFor(table, partition, replica), ep = replica.endpoint] {
                           return tablets_client_.CreateReplica(ep, spec);
                         }});
      }
    }
    const std::vector<Status> outcomes = RunPerTablet(calls);
    for (size_t i = 0; i < outcomes.size(); ++i) {
      if (outcomes[i].ok()) created->push_back(replicas[i]);
    }
    KV_RETURN_IF_ERROR(Summarize(outcomes, "replica creations"));
  }
  return Status::OK();
}

Status NameServer::DropReplicas(const std::vector<ReplicaRef>& replicas) {
  std::vector<TabletCall> calls;
  for (const ReplicaRef& replica : replicas) {
    calls.push_back({replica.endpoint, [this, replica] {
                       // keep_data: the tablet moves the folder to its quarantine, never deletes it.
                       Status dropped = tablets_client_.DropReplica(replica.endpoint, replica.partition, true);
                       return dropped.IsNotFound() ? Status::OK() : dropped;  // already gone: done
                     }});
  }
  return Summarize(RunPerTablet(calls), "replica removals");
}

std::vector<NameServer::ReplicaRef> NameServer::AllReplicas(const TableMeta& table) {
  std::vector<ReplicaRef> replicas;
  for (const PartitionMeta& partition : table.partitions) {
    for (const ReplicaMeta& replica : partition.replicas) {
      replicas.push_back({replica.endpoint, PartitionIdOf(table, partition.pid)});
    }
  }
  return replicas;
}

Result<TableMeta> NameServer::SetTableStateLocked(const std::string& name, TableState state) {
  KV_RETURN_IF_ERROR(CheckActiveLocked());
  auto it = tables_.find(name);
  if (it == tables_.end()) return Status::NotFound("table " + name + " does not exist");
  if (it->second.state != state) {
    TableMeta updated = it->second;
    updated.state = state;
    KV_RETURN_IF_ERROR(PersistedLocked(repository_.SaveTable(updated)));
    it->second = std::move(updated);
  }
  return it->second;
}

Status NameServer::DeleteTableLocked(const std::string& name) {
  KV_RETURN_IF_ERROR(CheckActiveLocked());
  KV_RETURN_IF_ERROR(PersistedLocked(repository_.DeleteTable(name)));
  tables_.erase(name);
  return Status::OK();
}

Result<v1::TableInfo> NameServer::CreateTable(const v1::CreateTableRequest& request) {
  KV_RETURN_IF_ERROR(ValidateSettings(request));
  std::lock_guard admin(admin_mu_);
  TableMeta table;
  {
    std::lock_guard lock(mu_);
    KV_ASSIGN_OR_RETURN(table, PlanTableLocked(request));
  }
  std::vector<ReplicaRef> created;
  Status failure = CreateReplicas(table, &created);
  if (!failure.ok()) return RollBackCreate(table, created, failure);
  std::lock_guard lock(mu_);
  KV_ASSIGN_OR_RETURN(TableMeta normal, SetTableStateLocked(table.name, TableState::kNormal));
  spdlog::info("table {} created: tid {}, {} partitions, {} replicas", normal.name, normal.tid,
               normal.partitions.size(), normal.replica_count);
  return TableInfoLocked(normal);
}

Status NameServer::RollBackCreate(const TableMeta& table, const std::vector<ReplicaRef>& created,
                                  const Status& failure) {
  const std::string& name = table.name;
  Status dropped = DropReplicas(created);
  std::lock_guard lock(mu_);
  if (dropped.ok()) {
    Status deleted = DeleteTableLocked(name);
    if (deleted.ok()) {
      spdlog::warn("table {} rolled back: {}", name, failure.message());
      return failure.WithContext("creating table " + name + " failed and was rolled back");
    }
    dropped = deleted;
  }
  // Not silently half there: the metadata says what it is.
  Status marked = SetTableStateLocked(name, TableState::kCreateFailed).status();
  spdlog::error("table {}: creation failed ({}) and so did its rollback ({})", name, failure.message(),
                dropped.message());
  return failure.WithContext("creating table " + name + " failed, and rolling back failed too (" +
                             dropped.message() + "); the table is kept as " +
                             std::string(TableStateName(TableState::kCreateFailed)) +
                             (marked.ok() ? "" : " in memory only (" + marked.message() + ")") +
                             ": drop table " + name + " once its tablets are back");
}

Status NameServer::DropTable(const std::string& name) {
  std::lock_guard admin(admin_mu_);
  TableMeta table;
  {
    std::lock_guard lock(mu_);
    KV_ASSIGN_OR_RETURN(table, SetTableStateLocked(name, TableState::kDropping));
  }
  Status dropped = DropReplicas(AllReplicas(table));
  if (!dropped.ok()) {
    return dropped.WithContext("dropping table " + name + " (it stays " +
                               std::string(TableStateName(TableState::kDropping)) +
                               ": run drop table again once its tablets are back)");
  }
  std::lock_guard lock(mu_);
  KV_RETURN_IF_ERROR(DeleteTableLocked(name));
  spdlog::info("table {} dropped (its replicas' data is kept in the tablets' quarantine)", name);
  return Status::OK();
}

}  // namespace kv::ns
