// The nameserver's calls to tablets: one gRPC channel per endpoint, made on
// first use and reused; a deadline on every call, so a dead or paused tablet
// costs at most that long. Thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "cluster/proto/kv.grpc.pb.h"
#include "common/status.h"

namespace kv::ns {

class TabletClient {
 public:
  explicit TabletClient(std::chrono::milliseconds deadline) : deadline_(deadline) {}

  // Errors name the endpoint and the call, mapped as cluster/client/errors.h
  // says: a tablet's NOT_FOUND is NotFound; no answer in time is IOError.
  Status CreateReplica(const std::string& endpoint, const v1::ReplicaSpec& spec);
  Status DropReplica(const std::string& endpoint, const v1::PartitionId& partition, bool keep_data);
  Result<v1::ChangeRoleResponse> ChangeRole(const std::string& endpoint, const v1::ReplicaSpec& spec);
  // The tablet's own view of one replica (a leader's includes its followers' progress).
  Result<v1::ReplicaStatus> GetStatus(const std::string& endpoint, const v1::PartitionId& partition);
  // Repairs a folder the tablet could not open, then opens it (kv.proto);
  // allowed the time a salvage of a whole WAL takes (kRepairDeadlineFactor deadlines).
  Result<v1::RepairReplicaResponse> RepairReplica(const std::string& endpoint, const v1::RepairReplicaRequest& request);
  // Copies a dead tablet's replica folder in, then opens it (kv.proto); as long as a repair may take.
  Result<v1::AdoptReplicaResponse> AdoptReplica(const std::string& endpoint, const v1::AdoptReplicaRequest& request);

 private:
  v1::Tablet::Stub& StubFor(const std::string& endpoint);
  // One unary call with the deadline; the response only when the call got an
  // answer and the answer's error is OK.
  template <typename Request, typename Response>
  Result<Response> Call(const std::string& endpoint,
                        grpc::Status (v1::Tablet::Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                        const Request& request, const std::string& what, int deadlines = 1);
  static constexpr int kRepairDeadlineFactor = 30;  // RepairReplica, AdoptReplica: whole WALs

  const std::chrono::milliseconds deadline_;
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<v1::Tablet::Stub>> stubs_;
};

}  // namespace kv::ns
