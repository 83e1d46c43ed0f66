// What the nameserver tests run instead of real tablets: an in-process gRPC
// Tablet service on a free loopback port that records the control calls it
// gets and answers OK (or a chosen error), and a heartbeat thread that
// registers with a nameserver and reports the replicas it holds.
#pragma once

#include <grpcpp/server.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "cluster/proto/kv.grpc.pb.h"

namespace kv::test {

class FakeTablet final : public v1::Tablet::Service {
 public:
  // Listens on 127.0.0.1:<free port>; REQUIREs success.
  static std::unique_ptr<FakeTablet> Start();
  ~FakeTablet() override;

  const std::string& endpoint() const { return endpoint_; }

  // Registers with one of the nameservers (the next one in turn whenever a
  // call is not answered OK) and heartbeats every interval from a background
  // thread.
  void Join(std::vector<std::string> nameservers, std::chrono::milliseconds interval);
  // Heartbeats stop (as for a SIGSTOPped tablet) and resume.
  void PauseHeartbeats() { paused_ = true; }
  void ResumeHeartbeats() { paused_ = false; }

  // CreateReplica answers this error from now on (OK: succeed again).
  void FailCreateReplica(v1::ErrorCode code);
  // The offset and record count this tablet reports for a replica it holds.
  void SetReported(uint32_t tid, uint32_t pid, uint64_t offset, uint64_t records);

  std::vector<v1::ReplicaSpec> created() const;
  std::vector<v1::DropReplicaRequest> dropped() const;
  std::vector<v1::ReplicaSpec> role_changes() const;
  // From the last heartbeat answered OK, sorted by (tid, pid).
  std::vector<std::pair<uint32_t, uint32_t>> leased_partitions(uint64_t term) const;
  // Heartbeats the nameserver answered OK, and answers that said reregister.
  uint64_t heartbeats() const { return heartbeats_; }
  uint64_t reregisters() const { return reregisters_; }

  grpc::Status CreateReplica(grpc::ServerContext*, const v1::CreateReplicaRequest* request,
                             v1::CreateReplicaResponse* response) override;
  grpc::Status DropReplica(grpc::ServerContext*, const v1::DropReplicaRequest* request,
                           v1::DropReplicaResponse* response) override;
  grpc::Status ChangeRole(grpc::ServerContext*, const v1::ChangeRoleRequest* request,
                          v1::ChangeRoleResponse* response) override;

 private:
  using PartitionKey = std::pair<uint32_t, uint32_t>;
  FakeTablet() = default;
  void HeartbeatLoop(std::vector<std::string> nameservers, std::chrono::milliseconds interval);
  // One round: register if needed, then heartbeat. False when no nameserver answered OK.
  bool Beat(v1::NameServer::Stub& stub, bool* registered);
  v1::HeartbeatRequest HeartbeatRequestLocked() const;

  std::unique_ptr<grpc::Server> server_;
  std::string endpoint_;

  mutable std::mutex mu_;
  v1::ErrorCode create_error_ = v1::OK;
  std::vector<v1::ReplicaSpec> created_;
  std::vector<v1::DropReplicaRequest> dropped_;
  std::vector<v1::ReplicaSpec> role_changes_;
  std::map<PartitionKey, v1::ReplicaStatus> held_;
  std::vector<v1::LeaseGrant> leases_;

  std::atomic<bool> paused_{false};
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> heartbeats_{0};
  std::atomic<uint64_t> reregisters_{0};
  std::thread heartbeat_thread_;
};

}  // namespace kv::test
