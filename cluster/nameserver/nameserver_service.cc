#include "cluster/nameserver/nameserver_service.h"

#include "cluster/nameserver/rpc_error.h"

namespace kv::ns {

template <typename Response, typename Handler>
grpc::Status NameServerService::Serve(Response* response, Handler handle) {
  if (!core_->IsActive()) {
    v1::Error* error = response->mutable_error();
    error->set_code(v1::NOT_LEADER);
    const std::string hint = leader_hint_();
    error->set_leader_hint(hint);
    error->set_message(hint.empty() ? "this nameserver is not the active one, and no active one is known yet: retry"
                                    : "this nameserver is a standby; the active one is " + hint);
    return grpc::Status::OK;
  }
  Status outcome = handle();
  if (!outcome.ok()) *response->mutable_error() = ToError(outcome);
  return grpc::Status::OK;
}

grpc::Status NameServerService::RegisterTablet(grpc::ServerContext*, const v1::RegisterTabletRequest* request,
                                               v1::RegisterTabletResponse* response) {
  return Serve(response, [&] {
    KV_ASSIGN_OR_RETURN(*response, core_->RegisterTablet(*request));
    return Status::OK();
  });
}

grpc::Status NameServerService::Heartbeat(grpc::ServerContext*, const v1::HeartbeatRequest* request,
                                          v1::HeartbeatResponse* response) {
  return Serve(response, [&] {
    KV_ASSIGN_OR_RETURN(*response, core_->Heartbeat(*request));
    return Status::OK();
  });
}

grpc::Status NameServerService::CreateTable(grpc::ServerContext*, const v1::CreateTableRequest* request,
                                            v1::CreateTableResponse* response) {
  return Serve(response, [&] {
    KV_ASSIGN_OR_RETURN(*response->mutable_table(), core_->CreateTable(*request));
    return Status::OK();
  });
}

grpc::Status NameServerService::DropTable(grpc::ServerContext*, const v1::DropTableRequest* request,
                                          v1::DropTableResponse* response) {
  return Serve(response, [&] { return core_->DropTable(request->name()); });
}

grpc::Status NameServerService::ShowTable(grpc::ServerContext*, const v1::ShowTableRequest* request,
                                          v1::ShowTableResponse* response) {
  return Serve(response, [&] {
    KV_ASSIGN_OR_RETURN(std::vector<v1::TableInfo> tables, core_->ShowTable(request->name()));
    for (v1::TableInfo& table : tables) *response->add_tables() = std::move(table);
    return Status::OK();
  });
}

grpc::Status NameServerService::ShowTablet(grpc::ServerContext*, const v1::ShowTabletRequest*,
                                           v1::ShowTabletResponse* response) {
  return Serve(response, [&] {
    KV_ASSIGN_OR_RETURN(std::vector<v1::TabletInfo> tablets, core_->ShowTablet());
    for (v1::TabletInfo& tablet : tablets) *response->add_tablets() = std::move(tablet);
    return Status::OK();
  });
}

grpc::Status NameServerService::ConfGet(grpc::ServerContext*, const v1::ConfGetRequest* request,
                                        v1::ConfGetResponse* response) {
  return Serve(response, [&] {
    KV_ASSIGN_OR_RETURN(auto values, core_->ConfGet(request->key()));
    response->mutable_values()->insert(values.begin(), values.end());
    return Status::OK();
  });
}

grpc::Status NameServerService::ConfSet(grpc::ServerContext*, const v1::ConfSetRequest* request,
                                        v1::ConfSetResponse* response) {
  return Serve(response, [&] { return core_->ConfSet(request->key(), request->value()); });
}

}  // namespace kv::ns
