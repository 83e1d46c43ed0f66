#include "cluster/nameserver/table_meta.h"

#include <utility>

#include "cluster/nameserver/json_doc.h"

namespace kv::ns {

namespace {

using nlohmann::json;

json EncodePartition(const PartitionMeta& partition) {
  json replicas = json::array();
  for (const ReplicaMeta& r : partition.replicas) {
    replicas.push_back({{"endpoint", r.endpoint}, {"role", names::RoleName(r.role)}, {"is_alive", r.is_alive}});
  }
  return {{"pid", partition.pid},
          {"term", partition.term},
          {"leader", partition.leader},
          {"replicas", std::move(replicas)}};
}

Result<ReplicaMeta> DecodeReplica(const json& j, const std::string& where) {
  if (!j.is_object()) return Status::Corruption(where + ": not an object");
  ReplicaMeta replica;
  KV_ASSIGN_OR_RETURN(replica.endpoint, ReadString(j, "endpoint", where));
  KV_ASSIGN_OR_RETURN(replica.role, ReadName(j, "role", "role", where, names::ParseRole));
  KV_ASSIGN_OR_RETURN(replica.is_alive, ReadBool(j, "is_alive", where));
  return replica;
}

Result<PartitionMeta> DecodePartition(const json& j, const std::string& where) {
  if (!j.is_object()) return Status::Corruption(where + ": not an object");
  PartitionMeta partition;
  KV_ASSIGN_OR_RETURN(partition.pid, ReadUint32(j, "pid", where));
  KV_ASSIGN_OR_RETURN(partition.term, ReadUint(j, "term", where));
  KV_ASSIGN_OR_RETURN(partition.leader, ReadString(j, "leader", where));
  KV_ASSIGN_OR_RETURN(json replicas, ReadArray(j, "replicas", where));
  for (size_t i = 0; i < replicas.size(); ++i) {
    KV_ASSIGN_OR_RETURN(ReplicaMeta replica,
                        DecodeReplica(replicas[i], where + " replicas[" + std::to_string(i) + "]"));
    partition.replicas.push_back(std::move(replica));
  }
  return partition;
}

}  // namespace

const ReplicaMeta* PartitionMeta::FindReplica(std::string_view endpoint) const {
  for (const ReplicaMeta& r : replicas) {
    if (r.endpoint == endpoint) return &r;
  }
  return nullptr;
}

v1::PartitionId PartitionIdOf(const TableMeta& table, uint32_t pid) {
  v1::PartitionId id;
  id.set_tid(table.tid);
  id.set_pid(pid);
  return id;
}

v1::ReplicaSpec BaseSpec(const TableMeta& table, uint32_t pid, v1::Role role, uint64_t term) {
  v1::ReplicaSpec spec;
  *spec.mutable_partition() = PartitionIdOf(table, pid);
  spec.set_table_name(table.name);
  spec.set_role(role);
  spec.set_term(term);
  spec.set_acks(table.acks);
  spec.set_wal_level(table.wal_level);
  spec.set_wal_fsync_period_ms(table.wal_fsync_period_ms);
  spec.set_replica_count(table.replica_count);
  spec.set_partition_count(static_cast<uint32_t>(table.partitions.size()));
  return spec;
}

std::string TableKey(std::string_view name) { return std::string(kTablesFolder) + "/" + std::string(name); }

std::string EncodeTable(const TableMeta& table) {
  json doc = NewDocument();
  doc["name"] = table.name;
  doc["tid"] = table.tid;
  doc["state"] = names::TableStateName(table.state);
  doc["partition_count"] = table.partitions.size();
  doc["replica_count"] = table.replica_count;
  doc["acks"] = names::AcksName(table.acks);
  doc["wal_level"] = table.wal_level;
  doc["wal_fsync_period_ms"] = table.wal_fsync_period_ms;
  doc["created_at_ms"] = table.created_at_ms;
  json partitions = json::array();
  for (const PartitionMeta& p : table.partitions) partitions.push_back(EncodePartition(p));
  doc["partitions"] = std::move(partitions);
  return doc.dump();
}

Result<TableMeta> DecodeTable(std::string_view text, const std::string& key) {
  KV_ASSIGN_OR_RETURN(json doc, ParseDocument(text, key));
  TableMeta table;
  KV_ASSIGN_OR_RETURN(table.name, ReadString(doc, "name", key));
  KV_ASSIGN_OR_RETURN(table.tid, ReadUint32(doc, "tid", key));
  KV_ASSIGN_OR_RETURN(table.state, ReadName(doc, "state", "table state", key, names::ParseTableState));
  KV_ASSIGN_OR_RETURN(uint32_t partition_count, ReadUint32(doc, "partition_count", key));
  KV_ASSIGN_OR_RETURN(table.replica_count, ReadUint32(doc, "replica_count", key));
  KV_ASSIGN_OR_RETURN(table.acks, ReadName(doc, "acks", "acks", key, names::ParseAcks));
  KV_ASSIGN_OR_RETURN(table.wal_level, ReadUint32(doc, "wal_level", key));
  KV_ASSIGN_OR_RETURN(table.wal_fsync_period_ms, ReadUint32(doc, "wal_fsync_period_ms", key));
  KV_ASSIGN_OR_RETURN(table.created_at_ms, ReadUint(doc, "created_at_ms", key));
  KV_ASSIGN_OR_RETURN(json partitions, ReadArray(doc, "partitions", key));
  for (size_t pid = 0; pid < partitions.size(); ++pid) {
    const std::string where = key + " partitions[" + std::to_string(pid) + "]";
    KV_ASSIGN_OR_RETURN(PartitionMeta partition, DecodePartition(partitions[pid], where));
    if (partition.pid != pid) {
      return Status::Corruption(where + ": pid " + std::to_string(partition.pid) + " is out of order");
    }
    table.partitions.push_back(std::move(partition));
  }
  if (table.partitions.size() != partition_count) {
    return Status::Corruption(key + ": partition_count " + std::to_string(partition_count) + " but " +
                              std::to_string(table.partitions.size()) + " partitions listed");
  }
  if (table.name != key.substr(key.rfind('/') + 1)) {
    return Status::Corruption(key + ": holds the table named '" + table.name + "'");
  }
  return table;
}

}  // namespace kv::ns
