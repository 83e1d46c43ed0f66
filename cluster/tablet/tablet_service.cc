#include "cluster/tablet/tablet_service.h"

#include <algorithm>
#include <chrono>

namespace kv::tablet {

Partition::Deadline ClientDeadline(const grpc::ServerContext& ctx) {
  const auto left = ctx.deadline() - std::chrono::system_clock::now();
  const auto max_wait = std::chrono::hours(1);  // keeps the sum finite
  return std::chrono::steady_clock::now() +
         std::clamp<std::chrono::steady_clock::duration>(left, std::chrono::steady_clock::duration::zero(), max_wait);
}

v1::Error Starting() { return MakeError(v1::UNAVAILABLE, "the tablet is starting: its replicas are being opened"); }

template <typename Response, typename Call>
grpc::Status TabletService::Serve(Response* resp, Call call) {
  Tablet* t = tablet_.load();
  if (t == nullptr) {
    *resp->mutable_error() = Starting();
  } else {
    call(*t);
  }
  return grpc::Status::OK;
}

grpc::Status TabletService::Write(grpc::ServerContext* ctx, const v1::WriteRequest* req, v1::WriteResponse* resp) {
  return Serve(resp, [&](Tablet& t) { t.Write(*req, ClientDeadline(*ctx), resp); });
}

grpc::Status TabletService::Get(grpc::ServerContext*, const v1::GetRequest* req, v1::GetResponse* resp) {
  return Serve(resp, [&](Tablet& t) { t.Get(*req, resp); });
}

grpc::Status TabletService::Scan(grpc::ServerContext*, const v1::ScanRequest* req, v1::ScanResponse* resp) {
  return Serve(resp, [&](Tablet& t) { t.Scan(*req, resp); });
}

grpc::Status TabletService::Count(grpc::ServerContext*, const v1::CountRequest* req, v1::CountResponse* resp) {
  return Serve(resp, [&](Tablet& t) { t.Count(*req, resp); });
}

grpc::Status TabletService::Append(grpc::ServerContext*, const v1::AppendRequest* req, v1::AppendResponse* resp) {
  return Serve(resp, [&](Tablet& t) { t.Append(*req, resp); });
}

grpc::Status TabletService::CreateReplica(grpc::ServerContext*, const v1::CreateReplicaRequest* req,
                                          v1::CreateReplicaResponse* resp) {
  return Serve(resp, [&](Tablet& t) { t.CreateReplica(*req, resp); });
}

grpc::Status TabletService::DropReplica(grpc::ServerContext*, const v1::DropReplicaRequest* req,
                                        v1::DropReplicaResponse* resp) {
  return Serve(resp, [&](Tablet& t) { t.DropReplica(*req, resp); });
}

grpc::Status TabletService::ChangeRole(grpc::ServerContext*, const v1::ChangeRoleRequest* req,
                                       v1::ChangeRoleResponse* resp) {
  return Serve(resp, [&](Tablet& t) { t.ChangeRole(*req, resp); });
}

grpc::Status TabletService::InstallSnapshot(grpc::ServerContext*, grpc::ServerReader<v1::SnapshotChunk>* reader,
                                            v1::InstallSnapshotResponse* resp) {
  v1::SnapshotChunk first;
  if (!reader->Read(&first) || !first.has_header()) {
    *resp->mutable_error() = MakeError(v1::INVALID_ARGUMENT, "InstallSnapshot: the first chunk must carry the header");
    return grpc::Status::OK;
  }
  return Serve(resp, [&](Tablet& t) {
    t.InstallSnapshot(first.header(), [reader](v1::SnapshotChunk* c) { return reader->Read(c); }, resp);
  });
}

grpc::Status TabletService::GetStatus(grpc::ServerContext*, const v1::GetStatusRequest* req,
                                      v1::GetStatusResponse* resp) {
  return Serve(resp, [&](Tablet& t) { t.GetStatus(*req, resp); });
}

grpc::Status TabletService::LoadReplica(grpc::ServerContext*, const v1::LoadReplicaRequest* req,
                                        v1::LoadReplicaResponse* resp) {
  return Serve(resp, [&](Tablet& t) { t.LoadReplica(*req, resp); });
}

grpc::Status TabletService::RepairReplica(grpc::ServerContext*, const v1::RepairReplicaRequest* req,
                                          v1::RepairReplicaResponse* resp) {
  return Serve(resp, [&](Tablet& t) { t.RepairReplica(*req, resp); });
}

grpc::Status TabletService::AdoptReplica(grpc::ServerContext*, const v1::AdoptReplicaRequest* req,
                                         v1::AdoptReplicaResponse* resp) {
  return Serve(resp, [&](Tablet& t) { t.AdoptReplica(*req, resp); });
}

}  // namespace kv::tablet
