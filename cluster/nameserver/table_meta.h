// A table as the nameserver persists it under /tables/<name> (README.md beside
// this file documents the JSON): its settings, and per partition the term,
// the leader and the replicas with their is_alive flag.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/proto/enum_names.h"
#include "cluster/proto/kv.pb.h"
#include "common/status.h"

namespace kv::ns {

// kNormal, kCreating, kDropping, kCreateFailed, and their names
// (names::TableStateName): TableInfo.state carries them to `ops showtable`.
using TableState = names::TableState;

struct ReplicaMeta {
  std::string endpoint;
  v1::Role role = v1::FOLLOWER;
  bool is_alive = true;
};

struct PartitionMeta {
  uint32_t pid = 0;
  uint64_t term = 0;
  std::string leader;  // empty: no leader right now
  std::vector<ReplicaMeta> replicas;

  const ReplicaMeta* FindReplica(std::string_view endpoint) const;
};

struct TableMeta {
  std::string name;
  uint32_t tid = 0;
  TableState state = TableState::kCreating;
  uint32_t replica_count = 0;
  v1::Acks acks = v1::ACKS_MAJORITY;
  uint32_t wal_level = 1;
  uint32_t wal_fsync_period_ms = 0;
  uint64_t created_at_ms = 0;  // wall clock, ms since the epoch
  std::vector<PartitionMeta> partitions;  // index = pid
};

// "/tables/<name>".
std::string TableKey(std::string_view name);
inline constexpr std::string_view kTablesFolder = "/tables";

// The id tablets know partition pid of table by.
v1::PartitionId PartitionIdOf(const TableMeta& table, uint32_t pid);

// A spec for a replica of table's partition pid: the table's settings, the
// role and the term; no followers (a leader's caller adds them).
v1::ReplicaSpec BaseSpec(const TableMeta& table, uint32_t pid, v1::Role role, uint64_t term);

std::string EncodeTable(const TableMeta& table);
// key names the document in errors.
Result<TableMeta> DecodeTable(std::string_view json, const std::string& key);

}  // namespace kv::ns
