#include "cluster/nameserver/tablet_client.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include "cluster/client/errors.h"

namespace kv::ns {

namespace {

std::string PartitionName(const v1::PartitionId& p) {
  return std::to_string(p.tid()) + "_" + std::to_string(p.pid());
}

}  // namespace

v1::Tablet::Stub& TabletClient::StubFor(const std::string& endpoint) {
  std::lock_guard lock(mu_);
  std::unique_ptr<v1::Tablet::Stub>& stub = stubs_[endpoint];
  if (!stub) stub = v1::Tablet::NewStub(grpc::CreateChannel(endpoint, grpc::InsecureChannelCredentials()));
  return *stub;
}

template <typename Request, typename Response>
Result<Response> TabletClient::Call(
    const std::string& endpoint,
    grpc::Status (v1::Tablet::Stub::*method)(grpc::ClientContext*, const Request&, Response*),
    const Request& request, const std::string& what, int deadlines) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + deadlines * deadline_);
  // A tablet that just registered may not take the first connection at once
  // (seen in CI: one create table failed on a fresh channel): retry connecting
  // until the deadline instead of failing the admin step on the first attempt.
  context.set_wait_for_ready(true);
  Response response;
  const std::string where = "tablet " + endpoint + ": " + what;
  KV_RETURN_IF_ERROR(client::FromGrpc((StubFor(endpoint).*method)(&context, request, &response), where));
  KV_RETURN_IF_ERROR(client::FromError(response.error(), where));
  return response;
}

Status TabletClient::CreateReplica(const std::string& endpoint, const v1::ReplicaSpec& spec) {
  v1::CreateReplicaRequest request;
  *request.mutable_spec() = spec;
  return Call(endpoint, &v1::Tablet::Stub::CreateReplica, request, "CreateReplica " + PartitionName(spec.partition()))
      .status();
}

Status TabletClient::DropReplica(const std::string& endpoint, const v1::PartitionId& partition, bool keep_data) {
  v1::DropReplicaRequest request;
  *request.mutable_partition() = partition;
  request.set_keep_data(keep_data);
  return Call(endpoint, &v1::Tablet::Stub::DropReplica, request, "DropReplica " + PartitionName(partition)).status();
}

Result<v1::RepairReplicaResponse> TabletClient::RepairReplica(const std::string& endpoint,
                                                              const v1::RepairReplicaRequest& request) {
  return Call(endpoint, &v1::Tablet::Stub::RepairReplica, request, "RepairReplica " + PartitionName(request.partition()),
              kRepairDeadlineFactor);
}

Result<v1::AdoptReplicaResponse> TabletClient::AdoptReplica(const std::string& endpoint,
                                                            const v1::AdoptReplicaRequest& request) {
  return Call(endpoint, &v1::Tablet::Stub::AdoptReplica, request, "AdoptReplica " + PartitionName(request.partition()),
              kRepairDeadlineFactor);
}

Result<v1::ChangeRoleResponse> TabletClient::ChangeRole(const std::string& endpoint, const v1::ReplicaSpec& spec) {
  v1::ChangeRoleRequest request;
  *request.mutable_spec() = spec;
  return Call(endpoint, &v1::Tablet::Stub::ChangeRole, request, "ChangeRole " + PartitionName(spec.partition()));
}

Result<v1::ReplicaStatus> TabletClient::GetStatus(const std::string& endpoint, const v1::PartitionId& partition) {
  v1::GetStatusRequest request;
  *request.add_partitions() = partition;
  const std::string what = "GetStatus " + PartitionName(partition);
  KV_ASSIGN_OR_RETURN(v1::GetStatusResponse response, Call(endpoint, &v1::Tablet::Stub::GetStatus, request, what));
  if (response.replicas_size() != 1) {
    return Status::NotFound("tablet " + endpoint + ": " + what + ": the tablet does not hold the replica");
  }
  return response.replicas(0);
}

}  // namespace kv::ns
