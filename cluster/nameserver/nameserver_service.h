// The NameServer gRPC service: every RPC goes to the NameServer when it is the
// active one; otherwise the answer is NOT_LEADER with the active nameserver's
// endpoint as leader_hint (empty while none is known), which clients and
// tablets follow. Errors travel in each response's Error, never as gRPC
// failures, so a client tells "the nameserver said no" from "no answer".
#pragma once

#include <functional>
#include <string>

#include "cluster/nameserver/nameserver.h"
#include "cluster/proto/kv.grpc.pb.h"

namespace kv::ns {

class NameServerService final : public v1::NameServer::Service {
 public:
  // leader_hint: the endpoint of the active nameserver as far as this one knows.
  NameServerService(NameServer* core, std::function<std::string()> leader_hint)
      : core_(core), leader_hint_(std::move(leader_hint)) {}

  grpc::Status RegisterTablet(grpc::ServerContext*, const v1::RegisterTabletRequest* request,
                              v1::RegisterTabletResponse* response) override;
  grpc::Status Heartbeat(grpc::ServerContext*, const v1::HeartbeatRequest* request,
                         v1::HeartbeatResponse* response) override;
  grpc::Status CreateTable(grpc::ServerContext*, const v1::CreateTableRequest* request,
                           v1::CreateTableResponse* response) override;
  grpc::Status DropTable(grpc::ServerContext*, const v1::DropTableRequest* request,
                         v1::DropTableResponse* response) override;
  grpc::Status ShowTable(grpc::ServerContext*, const v1::ShowTableRequest* request,
                         v1::ShowTableResponse* response) override;
  grpc::Status ShowTablet(grpc::ServerContext*, const v1::ShowTabletRequest* request,
                          v1::ShowTabletResponse* response) override;
  grpc::Status ConfGet(grpc::ServerContext*, const v1::ConfGetRequest* request,
                       v1::ConfGetResponse* response) override;
  grpc::Status ConfSet(grpc::ServerContext*, const v1::ConfSetRequest* request,
                       v1::ConfSetResponse* response) override;
  grpc::Status ShowOpStatus(grpc::ServerContext*, const v1::ShowOpStatusRequest* request,
                            v1::ShowOpStatusResponse* response) override;
  grpc::Status CancelOp(grpc::ServerContext*, const v1::CancelOpRequest* request,
                        v1::CancelOpResponse* response) override;
  grpc::Status ChangeLeader(grpc::ServerContext*, const v1::ChangeLeaderRequest* request,
                            v1::SubmitOpsResponse* response) override;
  grpc::Status RecoverTable(grpc::ServerContext*, const v1::RecoverTableRequest* request,
                            v1::SubmitOpsResponse* response) override;
  grpc::Status UpdateTableAlive(grpc::ServerContext*, const v1::UpdateTableAliveRequest* request,
                                v1::SubmitOpsResponse* response) override;
  grpc::Status OfflineEndpoint(grpc::ServerContext*, const v1::OfflineEndpointRequest* request,
                               v1::SubmitOpsResponse* response) override;
  grpc::Status RecoverEndpoint(grpc::ServerContext*, const v1::RecoverEndpointRequest* request,
                               v1::SubmitOpsResponse* response) override;
  grpc::Status SetReplicas(grpc::ServerContext*, const v1::SetReplicasRequest* request,
                           v1::SubmitOpsResponse* response) override;
  grpc::Status Balance(grpc::ServerContext*, const v1::BalanceRequest* request,
                       v1::SubmitOpsResponse* response) override;
  grpc::Status RecoverData(grpc::ServerContext*, const v1::RecoverDataRequest* request,
                           v1::SubmitOpsResponse* response) override;
  grpc::Status ShowRecovery(grpc::ServerContext*, const v1::ShowRecoveryRequest* request,
                            v1::ShowRecoveryResponse* response) override;
  grpc::Status RestoreTable(grpc::ServerContext*, const v1::RestoreTableRequest* request,
                            v1::RestoreTableResponse* response) override;

 private:
  // Runs handle (which fills response and returns a Status) when this
  // nameserver is active, and puts the outcome in response->error.
  template <typename Response, typename Handler>
  grpc::Status Serve(Response* response, Handler handle);

  NameServer* core_;
  std::function<std::string()> leader_hint_;
};

}  // namespace kv::ns
