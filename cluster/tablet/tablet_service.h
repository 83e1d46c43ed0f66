// The Tablet gRPC service: each call handed to the Tablet. Until the Tablet is
// attached (it opens after the server has bound its port, which names the
// endpoint) every call answers UNAVAILABLE. Errors travel in the response's
// error field; the gRPC status is always OK.
//
// The calls on every write's path, WriteMulti and AppendMulti, are
// asynchronous here: HotCalls (hot_calls.h) serves them from completion
// queues; the others run on gRPC's sync thread pool.
#pragma once

#include <atomic>

#include "cluster/proto/kv.grpc.pb.h"
#include "cluster/tablet/tablet.h"

namespace kv::tablet {

using TabletAsyncBase = v1::Tablet::WithAsyncMethod_WriteMulti<v1::Tablet::WithAsyncMethod_AppendMulti<v1::Tablet::Service>>;

class TabletService final : public TabletAsyncBase {
 public:
  void Attach(Tablet* tablet) { tablet_.store(tablet); }
  Tablet* tablet() const { return tablet_.load(); }

  grpc::Status Write(grpc::ServerContext* ctx, const v1::WriteRequest* req, v1::WriteResponse* resp) override;
  grpc::Status Get(grpc::ServerContext* ctx, const v1::GetRequest* req, v1::GetResponse* resp) override;
  grpc::Status Scan(grpc::ServerContext* ctx, const v1::ScanRequest* req, v1::ScanResponse* resp) override;
  grpc::Status Count(grpc::ServerContext* ctx, const v1::CountRequest* req, v1::CountResponse* resp) override;
  grpc::Status Append(grpc::ServerContext* ctx, const v1::AppendRequest* req, v1::AppendResponse* resp) override;
  grpc::Status CreateReplica(grpc::ServerContext* ctx, const v1::CreateReplicaRequest* req,
                             v1::CreateReplicaResponse* resp) override;
  grpc::Status DropReplica(grpc::ServerContext* ctx, const v1::DropReplicaRequest* req,
                           v1::DropReplicaResponse* resp) override;
  grpc::Status ChangeRole(grpc::ServerContext* ctx, const v1::ChangeRoleRequest* req,
                          v1::ChangeRoleResponse* resp) override;
  grpc::Status GetStatus(grpc::ServerContext* ctx, const v1::GetStatusRequest* req,
                         v1::GetStatusResponse* resp) override;
  grpc::Status InstallSnapshot(grpc::ServerContext* ctx, grpc::ServerReader<v1::SnapshotChunk>* reader,
                               v1::InstallSnapshotResponse* resp) override;
  grpc::Status LoadReplica(grpc::ServerContext* ctx, const v1::LoadReplicaRequest* req,
                           v1::LoadReplicaResponse* resp) override;
  grpc::Status RepairReplica(grpc::ServerContext* ctx, const v1::RepairReplicaRequest* req,
                             v1::RepairReplicaResponse* resp) override;
  grpc::Status AdoptReplica(grpc::ServerContext* ctx, const v1::AdoptReplicaRequest* req,
                            v1::AdoptReplicaResponse* resp) override;

 private:
  // Calls call(tablet) once attached; else fills the response's error.
  template <typename Response, typename Call>
  grpc::Status Serve(Response* resp, Call call);

  std::atomic<Tablet*> tablet_{nullptr};
};

// The client's deadline on the steady clock, at most an hour away ("no
// deadline" is far in the future; the ack wait is bounded by the tablet's own
// timeout too).
Partition::Deadline ClientDeadline(const grpc::ServerContext& ctx);

// What a call answers while the tablet is starting.
v1::Error Starting();

}  // namespace kv::tablet
