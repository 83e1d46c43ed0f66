// A replica folder the tablet holds but does not serve, because it failed to
// open: what GetStatus and the heartbeats say of it (TABLE_OPEN_FAILED), and
// what `ops recoverdata` plans from. The files are looked at once, when the
// folder fails, as `inspect partition --verify-wal` would (read-only), so a
// recovery sees the same health and positions online as it would read
// offline from `inspect tablet --json`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cluster/proto/kv.pb.h"
#include "cluster/tablet/partition_key.h"

namespace kv::tablet {

struct UnopenedFolder {
  std::string table;  // from its replica.json; empty when that cannot be read
  std::string why;    // why it is not served
  std::vector<std::string> findings;  // inspect's finding kinds, most severe first
  uint64_t last_term = 0, last_offset = 0;  // the WAL's last record (what invariant 6 compares)
  uint64_t applied_offset = 0;              // the DB's
};

// Looks at replica_dir (read-only); a folder that cannot be read at all keeps
// only table and why.
UnopenedFolder LookAtUnopened(const std::string& replica_dir, const std::string& why);

// What GetStatus shows of it.
v1::ReplicaStatus UnopenedStatus(PartitionKey key, const UnopenedFolder& folder);

}  // namespace kv::tablet
