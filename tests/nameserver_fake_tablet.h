// What the nameserver tests run instead of real tablets: an in-process gRPC
// Tablet service on a free loopback port that records the control calls it
// gets and answers OK (or a chosen error), and a heartbeat thread that
// registers with a nameserver and reports the replicas it holds.
#pragma once

#include <grpcpp/server.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
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
  // A quick restart (kill -9 and start again before the nameserver notices):
  // a new incarnation registers, every replica is held with no role and no
  // lease, its log and term kept.
  void Restart();

  // CreateReplica answers this error from now on (OK: succeed again).
  void FailCreateReplica(v1::ErrorCode code);
  // The offset and record count this tablet reports for a replica it holds.
  void SetReported(uint32_t tid, uint32_t pid, uint64_t offset, uint64_t records);
  // The replica's log: its last (term, offset), reported in heartbeats,
  // GetStatus and ChangeRole answers. A leader reports every follower at
  // match offset = its own last offset unless SetFollowerProgress says otherwise.
  void SetLog(uint32_t tid, uint32_t pid, uint64_t last_term, uint64_t last_offset);
  void SetFollowerProgress(uint32_t tid, uint32_t pid, const std::string& follower, uint64_t match_offset,
                           bool needs_snapshot);
  // ChangeRole and GetStatus wait (until unblocked or the caller's deadline)
  // while blocked: a tablet call that hangs in the middle of an op.
  void BlockControl(bool blocked);
  // The replica as the tablet holds it now (role and term from ChangeRole).
  v1::ReplicaStatus held(uint32_t tid, uint32_t pid) const;

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
  grpc::Status ChangeRole(grpc::ServerContext* context, const v1::ChangeRoleRequest* request,
                          v1::ChangeRoleResponse* response) override;
  grpc::Status GetStatus(grpc::ServerContext* context, const v1::GetStatusRequest* request,
                         v1::GetStatusResponse* response) override;

 private:
  using PartitionKey = std::pair<uint32_t, uint32_t>;
  FakeTablet() = default;
  void HeartbeatLoop(std::vector<std::string> nameservers, std::chrono::milliseconds interval);
  // One round: register if needed, then heartbeat. False when no nameserver answered OK.
  bool Beat(v1::NameServer::Stub& stub, bool* registered);
  v1::HeartbeatRequest HeartbeatRequestLocked() const;
  // False when the call's deadline passed while blocked.
  bool WaitUnblockedLocked(std::unique_lock<std::mutex>& lock, grpc::ServerContext* context);

  std::unique_ptr<grpc::Server> server_;
  std::string endpoint_;

  mutable std::mutex mu_;
  v1::ErrorCode create_error_ = v1::OK;
  std::vector<v1::ReplicaSpec> created_;
  std::vector<v1::DropReplicaRequest> dropped_;
  std::vector<v1::ReplicaSpec> role_changes_;
  std::map<PartitionKey, v1::ReplicaStatus> held_;
  std::vector<v1::LeaseGrant> leases_;
  std::map<PartitionKey, std::vector<std::string>> followers_;  // from the last ChangeRole leader
  std::map<std::pair<PartitionKey, std::string>, v1::FollowerProgress> progress_;
  bool blocked_ = false;
  std::condition_variable unblocked_;

  std::atomic<bool> paused_{false};
  std::atomic<uint64_t> incarnation_{1};
  std::atomic<bool> restarted_{false};  // register again before the next heartbeat
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> heartbeats_{0};
  std::atomic<uint64_t> reregisters_{0};
  std::thread heartbeat_thread_;
};

}  // namespace kv::test
