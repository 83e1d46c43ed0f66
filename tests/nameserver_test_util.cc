#include "tests/nameserver_test_util.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <algorithm>
#include <catch2/catch.hpp>

#include "tests/zk_server.h"

namespace kv::test {

using namespace std::chrono_literals;

ns::NameServerOptions FastOptions(const std::string& data_dir) {
  ns::NameServerOptions options;
  options.endpoint = "127.0.0.1:0";
  options.data_dir = data_dir;
  options.timing = {.tablet_offline_timeout = 1500ms,
                    .lease = 1000ms,
                    .heartbeat_interval = kTestHeartbeat,
                    .tablet_rpc_timeout = 2000ms,
                    .catch_up_timeout = 30000ms};
  return options;
}

std::unique_ptr<ns::NameServerProcess> StartNameServer(const ns::NameServerOptions& options) {
  auto process = ns::NameServerProcess::Start(options);
  INFO(process.status().ToString());
  REQUIRE(process.ok());
  return std::move(process).value();
}

NsClient::NsClient(const std::string& endpoint)
    : stub_(v1::NameServer::NewStub(grpc::CreateChannel(endpoint, grpc::InsecureChannelCredentials()))) {}

template <typename Request, typename Response>
Response NsClient::Call(grpc::Status (v1::NameServer::Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                        const Request& request) {
  grpc::ClientContext context;
  // CreateTable waits for every CreateReplica; the fakes answer at once.
  context.set_deadline(std::chrono::system_clock::now() + 10s);
  Response response;
  grpc::Status status = ((*stub_).*method)(&context, request, &response);
  INFO(status.error_message());
  REQUIRE(status.ok());
  return response;
}

v1::CreateTableResponse NsClient::CreateTable(const v1::CreateTableRequest& request) {
  return Call(&v1::NameServer::Stub::CreateTable, request);
}

v1::CreateTableResponse NsClient::CreateTable(const std::string& name, uint32_t partitions, uint32_t replicas) {
  v1::CreateTableRequest request;
  request.set_name(name);
  request.set_partitions(partitions);
  request.set_replicas(replicas);
  return CreateTable(request);
}

v1::DropTableResponse NsClient::DropTable(const std::string& name) {
  v1::DropTableRequest request;
  request.set_name(name);
  return Call(&v1::NameServer::Stub::DropTable, request);
}

v1::ShowTableResponse NsClient::ShowTable(const std::string& name) {
  v1::ShowTableRequest request;
  request.set_name(name);
  return Call(&v1::NameServer::Stub::ShowTable, request);
}

v1::ShowTabletResponse NsClient::ShowTablet() {
  return Call(&v1::NameServer::Stub::ShowTablet, v1::ShowTabletRequest());
}

v1::ConfGetResponse NsClient::ConfGet(const std::string& key) {
  v1::ConfGetRequest request;
  request.set_key(key);
  return Call(&v1::NameServer::Stub::ConfGet, request);
}

v1::ConfSetResponse NsClient::ConfSet(const std::string& key, const std::string& value) {
  v1::ConfSetRequest request;
  request.set_key(key);
  request.set_value(value);
  return Call(&v1::NameServer::Stub::ConfSet, request);
}

v1::HeartbeatResponse NsClient::Heartbeat(const std::string& endpoint) {
  v1::HeartbeatRequest request;
  request.set_endpoint(endpoint);
  return Call(&v1::NameServer::Stub::Heartbeat, request);
}

v1::ShowOpStatusResponse NsClient::ShowOpStatus(const std::string& table, std::optional<uint32_t> pid) {
  v1::ShowOpStatusRequest request;
  request.set_table(table);
  request.set_has_pid(pid.has_value());
  request.set_pid(pid.value_or(0));
  return Call(&v1::NameServer::Stub::ShowOpStatus, request);
}

v1::CancelOpResponse NsClient::CancelOp(uint64_t id) {
  v1::CancelOpRequest request;
  request.set_id(id);
  return Call(&v1::NameServer::Stub::CancelOp, request);
}

v1::SubmitOpsResponse NsClient::ChangeLeader(const std::string& table, uint32_t pid, const std::string& candidate) {
  v1::ChangeLeaderRequest request;
  request.set_table(table);
  request.set_pid(pid);
  request.set_candidate(candidate);
  return Call(&v1::NameServer::Stub::ChangeLeader, request);
}

v1::SubmitOpsResponse NsClient::RecoverTable(const std::string& table, uint32_t pid, const std::string& endpoint) {
  v1::RecoverTableRequest request;
  request.set_table(table);
  request.set_pid(pid);
  request.set_endpoint(endpoint);
  return Call(&v1::NameServer::Stub::RecoverTable, request);
}

v1::SubmitOpsResponse NsClient::UpdateTableAlive(const std::string& table, std::optional<uint32_t> pid,
                                                 const std::string& endpoint, bool is_alive) {
  v1::UpdateTableAliveRequest request;
  request.set_table(table);
  request.set_all_partitions(!pid.has_value());
  request.set_pid(pid.value_or(0));
  request.set_endpoint(endpoint);
  request.set_is_alive(is_alive);
  return Call(&v1::NameServer::Stub::UpdateTableAlive, request);
}

v1::SubmitOpsResponse NsClient::OfflineEndpoint(const std::string& endpoint) {
  v1::OfflineEndpointRequest request;
  request.set_endpoint(endpoint);
  return Call(&v1::NameServer::Stub::OfflineEndpoint, request);
}

v1::SubmitOpsResponse NsClient::RecoverEndpoint(const std::string& endpoint) {
  v1::RecoverEndpointRequest request;
  request.set_endpoint(endpoint);
  return Call(&v1::NameServer::Stub::RecoverEndpoint, request);
}

v1::SubmitOpsResponse NsClient::SetReplicas(const std::string& table, uint32_t n) {
  v1::SetReplicasRequest request;
  request.set_table(table);
  request.set_n(n);
  return Call(&v1::NameServer::Stub::SetReplicas, request);
}

v1::SubmitOpsResponse NsClient::Balance() { return Call(&v1::NameServer::Stub::Balance, v1::BalanceRequest{}); }

v1::SubmitOpsResponse NsClient::RecoverData(const v1::RecoverDataRequest& request) {
  return Call(&v1::NameServer::Stub::RecoverData, request);
}

v1::ShowRecoveryResponse NsClient::ShowRecovery(const std::string& plan_id) {
  v1::ShowRecoveryRequest request;
  request.set_plan_id(plan_id);
  return Call(&v1::NameServer::Stub::ShowRecovery, request);
}

std::vector<std::unique_ptr<FakeTablet>> StartFakeTablets(size_t count, const std::vector<std::string>& nameservers) {
  std::vector<std::unique_ptr<FakeTablet>> tablets;
  for (size_t i = 0; i < count; ++i) {
    tablets.push_back(FakeTablet::Start());
    tablets.back()->Join(nameservers, kTestHeartbeat);
  }
  return tablets;
}

bool WaitForHealthyTablets(NsClient& client, size_t count) {
  return Eventually(
      [&] {
        v1::ShowTabletResponse shown = client.ShowTablet();
        return shown.error().code() == v1::OK && static_cast<size_t>(shown.tablets_size()) == count &&
               std::all_of(shown.tablets().begin(), shown.tablets().end(),
                           [](const v1::TabletInfo& t) { return t.state() == "kTabletHealthy"; });
      },
      10s);
}

}  // namespace kv::test
