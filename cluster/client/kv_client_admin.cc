// The Client's administrative calls: all go to the active nameserver.
#include "cluster/client/kv_client.h"

#include "cluster/client/client_impl.h"

namespace kv::client {
namespace {

// The nameserver's NotFound for a named table, in the client's wording.
Status NamingTheTable(const Status& s, const std::string& table) {
  return s.IsNotFound() && !table.empty() ? TableNotFound(table) : s;
}

// Submitting is not repeated on a lost answer (kOnce): a second submission
// would be refused (the first op holds the partition) or double the work.
// Only a call the nameserver makes idempotent (RecoverData) is kRepeatable.
template <typename Request>
Result<Client::SubmittedOps> SubmitOps(NameServerCaller& nameservers, const RetryPolicy& retry,
                                       NameServerCaller::Method<Request, v1::SubmitOpsResponse> method,
                                       const Request& request, const std::string& what,
                                       NsCallKind kind = NsCallKind::kOnce) {
  RetryBudget budget(retry);
  KV_ASSIGN_OR_RETURN(v1::SubmitOpsResponse r, nameservers.Call(method, request, kind, budget, what));
  return Client::SubmittedOps{{r.op_ids().begin(), r.op_ids().end()},
                              {r.refused().begin(), r.refused().end()},
                              {r.moves().begin(), r.moves().end()},
                              r.resumed()};
}

// CreateTable and RestoreTable: a table put in place, asked once (a second
// call would be refused: the table exists); the cached route of that name is
// dropped whatever the answer.
template <typename Request, typename Response>
Result<v1::TableInfo> PlaceTable(NameServerCaller& nameservers, RouteCache& routes, const RetryPolicy& retry,
                                 NameServerCaller::Method<Request, Response> method, const Request& request,
                                 const std::string& what) {
  RetryBudget budget(retry);
  auto placed = nameservers.Call(method, request, NsCallKind::kOnce, budget, what);
  routes.Forget(request.name());
  if (!placed.ok()) return placed.status();
  return placed->table();
}

}  // namespace

Result<v1::TableInfo> Client::FetchRoute(const std::string& table) {
  KV_ASSIGN_OR_RETURN(std::vector<v1::TableInfo> tables, ShowTable(table));
  if (tables.size() != 1 || tables.front().name() != table) return TableNotFound(table);
  return std::move(tables.front());
}

Result<v1::TableInfo> Client::CreateTable(const v1::CreateTableRequest& request) {
  return PlaceTable(impl_->nameservers, impl_->routes, options_.retry, &v1::NameServer::Stub::CreateTable, request,
                    "create table '" + request.name() + "'");
}

Status Client::DropTable(const std::string& name) {
  RetryBudget budget(options_.retry);
  v1::DropTableRequest request;
  request.set_name(name);
  auto dropped = impl_->nameservers.Call(&v1::NameServer::Stub::DropTable, request, NsCallKind::kOnce, budget,
                                         "drop table '" + name + "'");
  impl_->routes.Forget(name);
  return NamingTheTable(dropped.status(), name);
}

Result<std::vector<v1::TableInfo>> Client::ShowTable(const std::string& name) {
  RetryBudget budget(options_.retry);
  v1::ShowTableRequest request;
  request.set_name(name);
  auto shown = impl_->nameservers.Call(&v1::NameServer::Stub::ShowTable, request, NsCallKind::kRepeatable, budget,
                                       name.empty() ? "show tables" : "show table '" + name + "'");
  if (!shown.ok()) return NamingTheTable(shown.status(), name);
  return std::vector<v1::TableInfo>(shown->tables().begin(), shown->tables().end());
}

Result<std::vector<v1::TabletInfo>> Client::ShowTablet() {
  RetryBudget budget(options_.retry);
  KV_ASSIGN_OR_RETURN(v1::ShowTabletResponse shown,
                      impl_->nameservers.Call(&v1::NameServer::Stub::ShowTablet, v1::ShowTabletRequest(),
                                              NsCallKind::kRepeatable, budget, "show tablets"));
  return std::vector<v1::TabletInfo>(shown.tablets().begin(), shown.tablets().end());
}

Result<std::map<std::string, std::string>> Client::ConfGet(const std::string& key) {
  RetryBudget budget(options_.retry);
  v1::ConfGetRequest request;
  request.set_key(key);
  KV_ASSIGN_OR_RETURN(v1::ConfGetResponse got,
                      impl_->nameservers.Call(&v1::NameServer::Stub::ConfGet, request, NsCallKind::kRepeatable, budget,
                                              key.empty() ? "confget" : "confget " + key));
  return std::map<std::string, std::string>(got.values().begin(), got.values().end());
}

Status Client::ConfSet(const std::string& key, const std::string& value) {
  RetryBudget budget(options_.retry);
  v1::ConfSetRequest request;
  request.set_key(key);
  request.set_value(value);
  return impl_->nameservers
      .Call(&v1::NameServer::Stub::ConfSet, request, NsCallKind::kRepeatable, budget, "confset " + key)
      .status();
}

Result<std::vector<v1::OpInfo>> Client::ShowOpStatus(const std::string& table, std::optional<uint32_t> pid) {
  RetryBudget budget(options_.retry);
  v1::ShowOpStatusRequest request;
  request.set_table(table);
  request.set_has_pid(pid.has_value());
  request.set_pid(pid.value_or(0));
  KV_ASSIGN_OR_RETURN(v1::ShowOpStatusResponse shown,
                      impl_->nameservers.Call(&v1::NameServer::Stub::ShowOpStatus, request, NsCallKind::kRepeatable,
                                              budget, "showopstatus"));
  return std::vector<v1::OpInfo>(shown.ops().begin(), shown.ops().end());
}

Status Client::CancelOp(uint64_t id) {
  RetryBudget budget(options_.retry);
  v1::CancelOpRequest request;
  request.set_id(id);
  return impl_->nameservers
      .Call(&v1::NameServer::Stub::CancelOp, request, NsCallKind::kOnce, budget, "cancelop " + std::to_string(id))
      .status();
}

Result<Client::SubmittedOps> Client::ChangeLeader(const std::string& table, uint32_t pid,
                                                  const std::string& candidate) {
  v1::ChangeLeaderRequest request;
  request.set_table(table);
  request.set_pid(pid);
  request.set_candidate(candidate);
  return SubmitOps(impl_->nameservers, options_.retry, &v1::NameServer::Stub::ChangeLeader, request, "changeleader");
}

Result<Client::SubmittedOps> Client::RecoverTable(const std::string& table, uint32_t pid,
                                                  const std::string& endpoint) {
  v1::RecoverTableRequest request;
  request.set_table(table);
  request.set_pid(pid);
  request.set_endpoint(endpoint);
  return SubmitOps(impl_->nameservers, options_.retry, &v1::NameServer::Stub::RecoverTable, request, "recovertable");
}

Result<Client::SubmittedOps> Client::UpdateTableAlive(const std::string& table, std::optional<uint32_t> pid,
                                                      const std::string& endpoint, bool is_alive) {
  v1::UpdateTableAliveRequest request;
  request.set_table(table);
  request.set_all_partitions(!pid.has_value());
  request.set_pid(pid.value_or(0));
  request.set_endpoint(endpoint);
  request.set_is_alive(is_alive);
  return SubmitOps(impl_->nameservers, options_.retry, &v1::NameServer::Stub::UpdateTableAlive, request,
                   "updatetablealive");
}

Result<Client::SubmittedOps> Client::OfflineEndpoint(const std::string& endpoint) {
  v1::OfflineEndpointRequest request;
  request.set_endpoint(endpoint);
  return SubmitOps(impl_->nameservers, options_.retry, &v1::NameServer::Stub::OfflineEndpoint, request,
                   "offlineendpoint");
}

Result<Client::SubmittedOps> Client::RecoverEndpoint(const std::string& endpoint) {
  v1::RecoverEndpointRequest request;
  request.set_endpoint(endpoint);
  return SubmitOps(impl_->nameservers, options_.retry, &v1::NameServer::Stub::RecoverEndpoint, request,
                   "recoverendpoint");
}

Result<Client::SubmittedOps> Client::SetReplicas(const std::string& table, uint32_t n) {
  v1::SetReplicasRequest request;
  request.set_table(table);
  request.set_n(n);
  return SubmitOps(impl_->nameservers, options_.retry, &v1::NameServer::Stub::SetReplicas, request, "setreplicas");
}

Result<Client::SubmittedOps> Client::Balance() {
  return SubmitOps(impl_->nameservers, options_.retry, &v1::NameServer::Stub::Balance, v1::BalanceRequest{}, "balance");
}

Result<Client::SubmittedOps> Client::RecoverData(const v1::RecoverDataRequest& request) {
  return SubmitOps(impl_->nameservers, options_.retry, &v1::NameServer::Stub::RecoverData, request,
                   "recoverdata apply " + request.plan_id(), NsCallKind::kRepeatable);
}

Result<v1::ShowRecoveryResponse> Client::ShowRecovery(const std::string& plan_id) {
  RetryBudget budget(options_.retry);
  v1::ShowRecoveryRequest request;
  request.set_plan_id(plan_id);
  return impl_->nameservers.Call(&v1::NameServer::Stub::ShowRecovery, request, NsCallKind::kRepeatable, budget,
                                 "show recovery");
}

Result<v1::TableInfo> Client::RestoreTable(const v1::RestoreTableRequest& request) {
  return PlaceTable(impl_->nameservers, impl_->routes, options_.retry, &v1::NameServer::Stub::RestoreTable, request,
                    "restore table '" + request.name() + "'");
}

}  // namespace kv::client
