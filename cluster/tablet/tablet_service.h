// The Tablet gRPC service: each call handed to the Tablet. Until the Tablet is
// attached (it opens after the server has bound its port, which names the
// endpoint) every call answers UNAVAILABLE. Errors travel in the response's
// error field; the gRPC status is always OK.
#pragma once

#include <atomic>
#include <functional>

#include "cluster/proto/kv.grpc.pb.h"
#include "cluster/tablet/tablet.h"

namespace kv::tablet {

class TabletService final : public v1::Tablet::Service {
 public:
  void Attach(Tablet* tablet) { tablet_.store(tablet); }

  grpc::Status Write(grpc::ServerContext* ctx, const v1::WriteRequest* req, v1::WriteResponse* resp) override;
  grpc::Status Get(grpc::ServerContext* ctx, const v1::GetRequest* req, v1::GetResponse* resp) override;
  grpc::Status Scan(grpc::ServerContext* ctx, const v1::ScanRequest* req, v1::ScanResponse* resp) override;
  grpc::Status Count(grpc::ServerContext* ctx, const v1::CountRequest* req, v1::CountResponse* resp) override;
  grpc::Status Append(grpc::ServerContext* ctx, const v1::AppendRequest* req, v1::AppendResponse* resp) override;
  grpc::Status WriteMulti(grpc::ServerContext* ctx, const v1::WriteMultiRequest* req,
                          v1::WriteMultiResponse* resp) override;
  grpc::Status AppendMulti(grpc::ServerContext* ctx, const v1::AppendMultiRequest* req,
                           v1::AppendMultiResponse* resp) override;
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

 private:
  // Calls call(tablet) once attached; else fills the response's error.
  template <typename Response, typename Call>
  grpc::Status Serve(Response* resp, Call call);
  template <typename Request, typename Response>
  grpc::Status ServeMulti(const Request& calls, Response* resp, const std::function<void(Tablet&)>& call);

  std::atomic<Tablet*> tablet_{nullptr};
};

}  // namespace kv::tablet
