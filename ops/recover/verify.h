// `ops recoverdata verify`: proves a recovery is done, from the cluster
// itself (docs/recoverdata.md "verify"). Per partition: a live leader at the
// partition's term, its replica count of alive replicas, and every alive
// replica at the leader's last (term, offset), applied to it, with the
// leader's content checksum. Read-only.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "cluster/proto/kv.pb.h"
#include "common/status.h"

namespace kv::client {
class Client;
}

namespace kv::recover {

struct PartitionCheck {
  std::string table;
  uint32_t pid = 0;
  std::string leader;
  uint64_t term = 0;
  uint64_t last_offset = 0;   // the leader's
  uint64_t record_count = 0;  // the leader's
  uint32_t alive = 0;
  uint32_t replica_count = 0;
  std::string problem;  // "" once done; else one line
};

struct VerifyReport {
  std::vector<PartitionCheck> partitions;  // by table, pid
  size_t Undone() const;
};

// The check of one partition: `answers` holds what each tablet said of this
// replica (GetStatus with checksum), by endpoint; a tablet that did not
// answer is absent. Returns "" when it is done.
std::string CheckPartition(const v1::TableInfo& table, const v1::PartitionInfo& partition,
                           const std::map<std::string, v1::ReplicaStatus>& answers, PartitionCheck* check);

struct VerifyOptions {
  std::vector<std::string> tables;  // empty: every table
  // Replicas catch up and apply asynchronously: verify asks again until every
  // partition is done or this passes, then reports what is still undone.
  std::chrono::milliseconds settle{30000};
};

// NotFound for an unknown table; IOError when the nameserver cannot be asked.
Result<VerifyReport> Verify(client::Client& client, const VerifyOptions& options);

}  // namespace kv::recover
