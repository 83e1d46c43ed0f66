// The C++ client of the store.
//
// Data calls are routed to the leader of the key's partition, found in the
// nameserver's routing table (cached per table). When a tablet answers that
// the route is out of date (NOT_LEADER, STALE_TERM, LEASE_EXPIRED,
// UNAVAILABLE, ...) or does not answer, the client fetches the route again
// and retries with backoff until the call's overall deadline
// (RetryPolicy::overall, 5 s by default); every RPC has its own deadline
// inside it. Admin calls go to the active nameserver, found by following
// standbys' NOT_LEADER hints. See cluster/client/errors.h for what is retried.
//
// Thread-safe: one Client serves any number of threads over shared channels.
// Writes from many threads to the same leader tablet go out together, in one
// WriteMulti RPC per round trip (tablet_pipes.h); each still gets its own
// answer, retries and deadline. So one Client shared by the threads batches
// best.
//
// This header includes no gRPC header (its parts are behind it, in
// client_impl.h); the protobuf messages of its API come from kv.pb.h.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cluster/client/retry.h"
#include "cluster/client/routing.h"  // PartitionOf: which keys a Batch may hold together
#include "cluster/client/scan_merge.h"
#include "cluster/proto/kv.pb.h"
#include "common/status.h"

namespace kv::client {

struct ClientOptions {
  std::vector<std::string> nameservers;  // "host:port", at least one
  RetryPolicy retry;
};

struct WriteOp {
  enum class Type { kPut, kDelete };
  Type type = Type::kPut;
  std::string key;
  std::string value;

  static WriteOp Put(std::string key, std::string value) { return {Type::kPut, std::move(key), std::move(value)}; }
  static WriteOp Delete(std::string key) { return {Type::kDelete, std::move(key), {}}; }
};

// Where an acknowledged write landed.
struct WriteAck {
  uint32_t pid = 0;
  uint64_t offset = 0;
  uint64_t term = 0;
};

class Client {
 public:
  // InvalidArgument without a nameserver. Connects lazily, on the first call.
  static Result<std::unique_ptr<Client>> Connect(ClientOptions options);
  ~Client();

  // --- Data. A table that does not exist is NotFound.
  Result<WriteAck> Put(const std::string& table, const std::string& key, const std::string& value);
  // The value, or nullopt when the table does not hold the key.
  Result<std::optional<std::string>> Get(const std::string& table, const std::string& key);
  Result<WriteAck> Delete(const std::string& table, const std::string& key);
  // Several ops as one atomic record. Atomicity ends at a partition: every key
  // must map to the same one (InvalidArgument otherwise).
  Result<WriteAck> Batch(const std::string& table, const std::vector<WriteOp>& ops);
  // Keys in [from, to) of every partition, in key order; empty `to` = to the
  // end; limit 0 = no limit. Each page has its own deadline.
  Result<std::vector<KeyValue>> Scan(const std::string& table, const std::string& from, const std::string& to,
                                     uint64_t limit);
  // The same, handing entries to visit one at a time (memory stays bounded).
  Status ScanEach(const std::string& table, const std::string& from, const std::string& to, uint64_t limit,
                  const std::function<void(const KeyValue&)>& visit);
  Result<uint64_t> Count(const std::string& table);

  // --- Administration (the nameserver).
  Result<v1::TableInfo> CreateTable(const v1::CreateTableRequest& request);
  Status DropTable(const std::string& name);
  // Every table when name is empty.
  Result<std::vector<v1::TableInfo>> ShowTable(const std::string& name = "");
  Result<std::vector<v1::TabletInfo>> ShowTablet();
  // Every key when key is empty.
  Result<std::map<std::string, std::string>> ConfGet(const std::string& key = "");
  Status ConfSet(const std::string& key, const std::string& value);
  // Ops (cluster/nameserver/README.md "Ops"): each command submits op(s) and
  // returns at once; showopstatus follows them.
  struct SubmittedOps {
    std::vector<uint64_t> op_ids;
    std::vector<std::string> refused;  // partitions left out, one line each
    std::vector<std::string> moves;    // Balance only: what op_ids[i] moves
    bool resumed = false;              // RecoverData only: the plan's ops were (partly) submitted before
  };
  // Sorted by id; every table when table is empty.
  Result<std::vector<v1::OpInfo>> ShowOpStatus(const std::string& table = "", std::optional<uint32_t> pid = {});
  Status CancelOp(uint64_t id);
  // candidate empty: the nameserver chooses (invariant 6).
  Result<SubmittedOps> ChangeLeader(const std::string& table, uint32_t pid, const std::string& candidate = "");
  Result<SubmittedOps> RecoverTable(const std::string& table, uint32_t pid, const std::string& endpoint);
  // pid nullopt: every partition with a replica on endpoint.
  Result<SubmittedOps> UpdateTableAlive(const std::string& table, std::optional<uint32_t> pid,
                                        const std::string& endpoint, bool is_alive);
  Result<SubmittedOps> OfflineEndpoint(const std::string& endpoint);
  Result<SubmittedOps> RecoverEndpoint(const std::string& endpoint);
  // Every partition of table gets n replicas; its replica_count becomes n.
  Result<SubmittedOps> SetReplicas(const std::string& table, uint32_t n);
  // One balancer round; op_ids empty once the cluster is balanced.
  Result<SubmittedOps> Balance();
  // `ops recoverdata apply`: one kRecoverDataOP per partition of the plan;
  // idempotent per plan id, so a lost answer is asked again.
  Result<SubmittedOps> RecoverData(const v1::RecoverDataRequest& request);
  // The recovery under way, and plan_id's once finished (when plan_id is given).
  Result<v1::ShowRecoveryResponse> ShowRecovery(const std::string& plan_id = "");
  // A table the nameserver's lost metadata no longer holds, put back from its replicas.
  Result<v1::TableInfo> RestoreTable(const v1::RestoreTableRequest& request);

  // --- One tablet's own view of its replicas, asked directly (no routing).
  Result<std::vector<v1::ReplicaStatus>> TabletStatus(const std::string& endpoint, bool with_checksum);

  const ClientOptions& options() const { return options_; }

 private:
  struct Impl;  // client_impl.h

  explicit Client(ClientOptions options);

  Result<WriteAck> Write(const std::string& table, const std::vector<WriteOp>& ops, const std::string& what);
  Result<ScanPage> ScanPartition(const std::string& table, uint32_t pid, const std::string& from,
                                 const std::string& to, uint32_t limit);
  Result<v1::TableInfo> FetchRoute(const std::string& table);

  const ClientOptions options_;
  const std::unique_ptr<Impl> impl_;
};

// "table 't1' does not exist": the one wording for a missing table.
Status TableNotFound(const std::string& table);

}  // namespace kv::client
