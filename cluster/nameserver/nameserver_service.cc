#include "cluster/nameserver/nameserver_service.h"

#include "cluster/nameserver/rpc_error.h"

namespace kv::ns {

namespace {

v1::OpInfo ToOpInfo(const op::Op& op) {
  v1::OpInfo info;
  info.set_id(op.id);
  info.set_type(op.type);
  info.set_table(op.table);
  info.set_tid(op.tid);
  info.set_whole_table(!op.pid.has_value());
  info.set_pid(op.pid.value_or(0));
  info.set_status(std::string(op::StatusName(op.status)));
  const bool running = !op::IsFinal(op.status) && op.current_task < op.tasks.size();
  info.set_current_task(running ? op.tasks[op.current_task].type : "-");
  for (const op::Task& task : op.tasks) {
    v1::OpTaskInfo* t = info.add_tasks();
    t->set_type(task.type);
    t->set_status(std::string(op::StatusName(task.status)));
    t->set_attempts(task.attempts);
    t->set_last_error(task.last_error);
  }
  info.set_created_ms(op.created_ms);
  info.set_start_ms(op.start_ms);
  info.set_end_ms(op.end_ms);
  info.set_error(op.error);
  info.set_params_json(op.params.dump());
  return info;
}

void Fill(const NameServer::Submitted& submitted, v1::SubmitOpsResponse* response) {
  for (uint64_t id : submitted.op_ids) response->add_op_ids(id);
  for (const std::string& refused : submitted.refused) response->add_refused(refused);
  response->set_resumed(submitted.resumed);
}

}  // namespace

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

grpc::Status NameServerService::ShowOpStatus(grpc::ServerContext*, const v1::ShowOpStatusRequest* request,
                                             v1::ShowOpStatusResponse* response) {
  return Serve(response, [&] {
    op::OpFilter filter;
    if (!request->table().empty()) filter.table = request->table();
    if (request->has_pid()) filter.pid = request->pid();
    KV_ASSIGN_OR_RETURN(std::vector<op::Op> ops, core_->ShowOpStatus(filter));
    for (const op::Op& op : ops) *response->add_ops() = ToOpInfo(op);
    return Status::OK();
  });
}

grpc::Status NameServerService::CancelOp(grpc::ServerContext*, const v1::CancelOpRequest* request,
                                         v1::CancelOpResponse* response) {
  return Serve(response, [&] { return core_->CancelOp(request->id()); });
}

grpc::Status NameServerService::ChangeLeader(grpc::ServerContext*, const v1::ChangeLeaderRequest* request,
                                             v1::SubmitOpsResponse* response) {
  return Serve(response, [&] {
    KV_ASSIGN_OR_RETURN(uint64_t id, core_->ChangeLeader(request->table(), request->pid(), request->candidate()));
    response->add_op_ids(id);
    return Status::OK();
  });
}

grpc::Status NameServerService::RecoverTable(grpc::ServerContext*, const v1::RecoverTableRequest* request,
                                             v1::SubmitOpsResponse* response) {
  return Serve(response, [&] {
    KV_ASSIGN_OR_RETURN(uint64_t id, core_->RecoverTable(request->table(), request->pid(), request->endpoint()));
    response->add_op_ids(id);
    return Status::OK();
  });
}

grpc::Status NameServerService::UpdateTableAlive(grpc::ServerContext*, const v1::UpdateTableAliveRequest* request,
                                                 v1::SubmitOpsResponse* response) {
  return Serve(response, [&] {
    const std::optional<uint32_t> pid =
        request->all_partitions() ? std::nullopt : std::optional<uint32_t>(request->pid());
    KV_ASSIGN_OR_RETURN(NameServer::Submitted submitted,
                        core_->UpdateTableAlive(request->table(), pid, request->endpoint(), request->is_alive()));
    Fill(submitted, response);
    return Status::OK();
  });
}

grpc::Status NameServerService::OfflineEndpoint(grpc::ServerContext*, const v1::OfflineEndpointRequest* request,
                                                v1::SubmitOpsResponse* response) {
  return Serve(response, [&] {
    KV_ASSIGN_OR_RETURN(NameServer::Submitted submitted, core_->OfflineEndpoint(request->endpoint()));
    Fill(submitted, response);
    return Status::OK();
  });
}

grpc::Status NameServerService::RecoverEndpoint(grpc::ServerContext*, const v1::RecoverEndpointRequest* request,
                                                v1::SubmitOpsResponse* response) {
  return Serve(response, [&] {
    KV_ASSIGN_OR_RETURN(NameServer::Submitted submitted, core_->RecoverEndpoint(request->endpoint()));
    Fill(submitted, response);
    return Status::OK();
  });
}

grpc::Status NameServerService::SetReplicas(grpc::ServerContext*, const v1::SetReplicasRequest* request,
                                            v1::SubmitOpsResponse* response) {
  return Serve(response, [&] {
    KV_ASSIGN_OR_RETURN(NameServer::Submitted submitted, core_->SetReplicas(request->table(), request->n()));
    Fill(submitted, response);
    return Status::OK();
  });
}

grpc::Status NameServerService::Balance(grpc::ServerContext*, const v1::BalanceRequest*,
                                        v1::SubmitOpsResponse* response) {
  return Serve(response, [&] {
    KV_ASSIGN_OR_RETURN(NameServer::Balanced balanced, core_->Balance());
    Fill(balanced.submitted, response);
    for (const std::string& move : balanced.moves) response->add_moves(move);
    return Status::OK();
  });
}

grpc::Status NameServerService::RecoverData(grpc::ServerContext*, const v1::RecoverDataRequest* request,
                                            v1::SubmitOpsResponse* response) {
  return Serve(response, [&] {
    KV_ASSIGN_OR_RETURN(NameServer::Submitted submitted, core_->RecoverData(*request));
    Fill(submitted, response);
    return Status::OK();
  });
}

grpc::Status NameServerService::ShowRecovery(grpc::ServerContext*, const v1::ShowRecoveryRequest* request,
                                             v1::ShowRecoveryResponse* response) {
  return Serve(response, [&] {
    KV_ASSIGN_OR_RETURN(NameServer::Recovery recovery, core_->ShowRecovery(request->plan_id()));
    if (recovery.current) *response->mutable_current() = *recovery.current;
    if (recovery.finished) *response->mutable_finished() = *recovery.finished;
    return Status::OK();
  });
}

grpc::Status NameServerService::RestoreTable(grpc::ServerContext*, const v1::RestoreTableRequest* request,
                                             v1::RestoreTableResponse* response) {
  return Serve(response, [&] {
    KV_ASSIGN_OR_RETURN(*response->mutable_table(), core_->RestoreTable(*request));
    return Status::OK();
  });
}

}  // namespace kv::ns
