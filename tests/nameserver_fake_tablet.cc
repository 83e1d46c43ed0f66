#include "tests/nameserver_fake_tablet.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include <algorithm>
#include <catch2/catch.hpp>

namespace kv::test {

namespace {

constexpr auto kCallDeadline = std::chrono::seconds(2);

std::unique_ptr<grpc::ClientContext> WithDeadline() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + kCallDeadline);
  return context;
}

}  // namespace

std::unique_ptr<FakeTablet> FakeTablet::Start() {
  std::unique_ptr<FakeTablet> tablet(new FakeTablet());
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(tablet.get());
  tablet->server_ = builder.BuildAndStart();
  REQUIRE(tablet->server_);
  REQUIRE(port != 0);
  tablet->endpoint_ = "127.0.0.1:" + std::to_string(port);
  return tablet;
}

FakeTablet::~FakeTablet() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    unblocked_.notify_all();
  }
  if (heartbeat_thread_.joinable()) heartbeat_thread_.join();
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
}

void FakeTablet::Join(std::vector<std::string> nameservers, std::chrono::milliseconds interval) {
  heartbeat_thread_ = std::thread([this, nameservers = std::move(nameservers), interval] {
    HeartbeatLoop(nameservers, interval);
  });
}

void FakeTablet::HeartbeatLoop(std::vector<std::string> nameservers, std::chrono::milliseconds interval) {
  std::map<std::string, std::unique_ptr<v1::NameServer::Stub>> stubs;
  for (const std::string& ns : nameservers) {
    stubs[ns] = v1::NameServer::NewStub(grpc::CreateChannel(ns, grpc::InsecureChannelCredentials()));
  }
  size_t current = 0;
  bool registered = false;
  while (!stopping_) {
    if (!paused_ && !Beat(*stubs[nameservers[current]], &registered)) {
      current = (current + 1) % nameservers.size();  // try the next nameserver
      registered = false;
    }
    std::this_thread::sleep_for(interval);
  }
}

void FakeTablet::Restart() {
  std::lock_guard lock(mu_);
  for (auto& [key, status] : held_) status.set_role(v1::ROLE_UNKNOWN);
  followers_.clear();
  leases_.clear();
  ++incarnation_;
  restarted_ = true;
}

bool FakeTablet::Beat(v1::NameServer::Stub& stub, bool* registered) {
  if (restarted_.exchange(false)) *registered = false;
  if (!*registered) {
    v1::RegisterTabletRequest request;
    request.set_endpoint(endpoint_);
    request.set_tablet_id("fake-" + endpoint_);
    request.set_data_dir("/nonexistent/" + endpoint_);
    request.set_incarnation(incarnation_);
    v1::RegisterTabletResponse response;
    if (!stub.RegisterTablet(WithDeadline().get(), request, &response).ok() ||
        response.error().code() != v1::OK) {
      return false;
    }
    *registered = true;
  }
  v1::HeartbeatRequest request;
  {
    std::lock_guard lock(mu_);
    request = HeartbeatRequestLocked();
  }
  v1::HeartbeatResponse response;
  if (!stub.Heartbeat(WithDeadline().get(), request, &response).ok() || response.error().code() != v1::OK) {
    return false;
  }
  if (response.reregister()) {
    ++reregisters_;
    *registered = false;
    return true;
  }
  std::lock_guard lock(mu_);
  leases_.assign(response.leases().begin(), response.leases().end());
  ++heartbeats_;
  return true;
}

v1::HeartbeatRequest FakeTablet::HeartbeatRequestLocked() const {
  v1::HeartbeatRequest request;
  request.set_endpoint(endpoint_);
  request.set_incarnation(incarnation_);
  for (const auto& [key, status] : held_) *request.add_replicas() = status;
  return request;
}

void FakeTablet::FailCreateReplica(v1::ErrorCode code) {
  std::lock_guard lock(mu_);
  create_error_ = code;
}

void FakeTablet::SetReported(uint32_t tid, uint32_t pid, uint64_t offset, uint64_t records) {
  std::lock_guard lock(mu_);
  v1::ReplicaStatus& status = held_.at({tid, pid});
  status.set_last_offset(offset);
  status.set_record_count(records);
}

std::vector<v1::ReplicaSpec> FakeTablet::created() const {
  std::lock_guard lock(mu_);
  return created_;
}

std::vector<v1::DropReplicaRequest> FakeTablet::dropped() const {
  std::lock_guard lock(mu_);
  return dropped_;
}

std::vector<v1::ReplicaSpec> FakeTablet::role_changes() const {
  std::lock_guard lock(mu_);
  return role_changes_;
}

std::vector<std::pair<uint32_t, uint32_t>> FakeTablet::leased_partitions(uint64_t term) const {
  std::lock_guard lock(mu_);
  std::vector<std::pair<uint32_t, uint32_t>> out;
  for (const v1::LeaseGrant& grant : leases_) {
    if (grant.term() == term) out.emplace_back(grant.partition().tid(), grant.partition().pid());
  }
  std::sort(out.begin(), out.end());
  return out;
}

grpc::Status FakeTablet::CreateReplica(grpc::ServerContext*, const v1::CreateReplicaRequest* request,
                                       v1::CreateReplicaResponse* response) {
  std::lock_guard lock(mu_);
  if (create_error_ != v1::OK) {
    response->mutable_error()->set_code(create_error_);
    response->mutable_error()->set_message("the fake tablet was told to fail");
    return grpc::Status::OK;
  }
  const v1::ReplicaSpec& spec = request->spec();
  created_.push_back(spec);
  v1::ReplicaStatus& status = held_[{spec.partition().tid(), spec.partition().pid()}];
  *status.mutable_partition() = spec.partition();
  status.set_table_name(spec.table_name());
  status.set_role(spec.role());
  status.set_term(spec.term());
  followers_[{spec.partition().tid(), spec.partition().pid()}].assign(spec.followers().begin(),
                                                                     spec.followers().end());
  return grpc::Status::OK;
}

grpc::Status FakeTablet::DropReplica(grpc::ServerContext*, const v1::DropReplicaRequest* request,
                                     v1::DropReplicaResponse* response) {
  std::lock_guard lock(mu_);
  dropped_.push_back(*request);
  if (held_.erase({request->partition().tid(), request->partition().pid()}) == 0) {
    response->mutable_error()->set_code(v1::NOT_FOUND);
    response->mutable_error()->set_message("no such replica");
  }
  return grpc::Status::OK;
}

void FakeTablet::SetLog(uint32_t tid, uint32_t pid, uint64_t last_term, uint64_t last_offset) {
  std::lock_guard lock(mu_);
  v1::ReplicaStatus& status = held_.at({tid, pid});
  status.set_last_term(last_term);
  status.set_last_offset(last_offset);
}

void FakeTablet::SetFollowerProgress(uint32_t tid, uint32_t pid, const std::string& follower, uint64_t match_offset,
                                     bool needs_snapshot) {
  std::lock_guard lock(mu_);
  v1::FollowerProgress& p = progress_[{{tid, pid}, follower}];
  p.set_endpoint(follower);
  p.set_match_offset(match_offset);
  p.set_connected(true);
  p.set_needs_snapshot(needs_snapshot);
}

void FakeTablet::BlockControl(bool blocked) {
  std::lock_guard lock(mu_);
  blocked_ = blocked;
  unblocked_.notify_all();
}

v1::ReplicaStatus FakeTablet::held(uint32_t tid, uint32_t pid) const {
  std::lock_guard lock(mu_);
  auto it = held_.find({tid, pid});
  return it == held_.end() ? v1::ReplicaStatus() : it->second;
}

bool FakeTablet::WaitUnblockedLocked(std::unique_lock<std::mutex>& lock, grpc::ServerContext* context) {
  return unblocked_.wait_until(lock, context->deadline(), [&] { return !blocked_ || stopping_; });
}

grpc::Status FakeTablet::ChangeRole(grpc::ServerContext* context, const v1::ChangeRoleRequest* request,
                                    v1::ChangeRoleResponse* response) {
  std::unique_lock lock(mu_);
  if (!WaitUnblockedLocked(lock, context)) return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "blocked");
  const v1::ReplicaSpec& spec = request->spec();
  role_changes_.push_back(spec);
  const PartitionKey key{spec.partition().tid(), spec.partition().pid()};
  auto it = held_.find(key);
  if (it == held_.end()) {
    response->mutable_error()->set_code(v1::NOT_FOUND);
    response->mutable_error()->set_message("no such replica");
    return grpc::Status::OK;
  }
  if (spec.term() < it->second.term()) {
    response->mutable_error()->set_code(v1::STALE_TERM);
    response->mutable_error()->set_message("stale term");
    return grpc::Status::OK;
  }
  it->second.set_role(spec.role());
  it->second.set_term(spec.term());
  followers_[key].assign(spec.followers().begin(), spec.followers().end());
  response->set_last_offset(it->second.last_offset());
  response->set_last_term(it->second.last_term());
  return grpc::Status::OK;
}

grpc::Status FakeTablet::GetStatus(grpc::ServerContext* context, const v1::GetStatusRequest* request,
                                   v1::GetStatusResponse* response) {
  std::unique_lock lock(mu_);
  if (!WaitUnblockedLocked(lock, context)) return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "blocked");
  for (const v1::PartitionId& id : request->partitions()) {
    const PartitionKey key{id.tid(), id.pid()};
    auto it = held_.find(key);
    if (it == held_.end()) {
      response->mutable_error()->set_code(v1::NOT_FOUND);
      response->mutable_error()->set_message("no such replica");
      return grpc::Status::OK;
    }
    v1::ReplicaStatus* status = response->add_replicas();
    *status = it->second;
    if (status->role() != v1::LEADER) continue;
    for (const std::string& f : followers_[key]) {
      auto p = progress_.find({key, f});
      v1::FollowerProgress* progress = status->add_followers();
      if (p != progress_.end()) {
        *progress = p->second;
        continue;
      }
      progress->set_endpoint(f);
      progress->set_match_offset(status->last_offset());
      progress->set_connected(true);
    }
  }
  return grpc::Status::OK;
}

}  // namespace kv::test
