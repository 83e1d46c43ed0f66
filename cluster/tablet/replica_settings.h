// What a replica keeps from the nameserver's ReplicaSpec across restarts: the
// table's settings. The WAL level is needed to open the replica at start-up,
// before the nameserver has said anything. Role and term live in the
// storage's replica.json; the followers list is not kept (a leader gets it
// again with the ChangeRole that lets it lead).
//
// File: DATA_DIR/partitions/<tid>_<pid>/settings.json, format_version 1:
//   {"format_version": 1, "table": "orders", "tid": 7, "pid": 3,
//    "acks": "majority", "wal_level": 1, "wal_fsync_period_ms": 0, "replica_count": 3,
//    "partition_count": 8}
// partition_count is optional (absent in files written before it, or 0):
// kept so that a table can be rebuilt from its replicas when the
// nameserver's metadata is lost (docs/recoverdata.md).
#pragma once

#include <cstdint>
#include <string>

#include "cluster/proto/kv.pb.h"
#include "common/status.h"

namespace kv::tablet {

struct ReplicaSettings {
  static constexpr int kFormatVersion = 1;

  std::string table;
  uint32_t tid = 0;
  uint32_t pid = 0;
  v1::Acks acks = v1::ACKS_MAJORITY;
  uint32_t wal_level = 1;
  uint32_t wal_fsync_period_ms = 0;
  uint32_t replica_count = 1;
  uint32_t partition_count = 0;  // 0: unknown (optional in the file)

  bool operator==(const ReplicaSettings&) const = default;
  std::string Describe() const;  // "table orders, acks majority, wal_level 1, ..."
};

// The settings that fix a replica's files: table, partition, WAL level and
// fsync period. Acks and replica count may change with a new leader's spec.
bool SameStorage(const ReplicaSettings& a, const ReplicaSettings& b);

// The settings a spec asks for, with the protocol's defaults filled in
// (wal_level 0 = 1, replica_count 0 = leader + followers); InvalidArgument
// for a spec no replica can have.
Result<ReplicaSettings> SettingsFromSpec(const v1::ReplicaSpec& spec);

std::string SettingsPath(const std::string& replica_dir);
// NotFound when the file is missing; Corruption naming the field when malformed.
Result<ReplicaSettings> ReadSettings(const std::string& replica_dir);
Status WriteSettings(const std::string& replica_dir, const ReplicaSettings& s);  // atomically

}  // namespace kv::tablet
