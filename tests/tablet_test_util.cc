#include "tests/tablet_test_util.h"

#include <catch2/catch.hpp>
#include <thread>

#include "tests/storage_test_util.h"

namespace kv::test {

tablet::Clock::TimePoint FakeClock::Now() const {
  std::lock_guard<std::mutex> l(mu_);
  return now_;
}

void FakeClock::Advance(std::chrono::milliseconds d) {
  std::lock_guard<std::mutex> l(mu_);
  now_ += d;
}

bool WaitUntil(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return condition();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

tablet::TabletServerOptions FastTabletOptions(const tablet::Clock& clock) {
  tablet::TabletServerOptions o;
  o.endpoint = "127.0.0.1:0";
  o.clock = &clock;
  o.tablet.storage = SmallEnvOptions();
  o.tablet.partition.majority_timeout = std::chrono::milliseconds(500);
  o.tablet.partition.replication.rpc_timeout = std::chrono::milliseconds(1000);
  o.tablet.partition.replication.max_backoff = std::chrono::milliseconds(200);
  o.tablet.partition.replication.idle_probe = std::chrono::milliseconds(200);
  return o;
}

TestTablet::TestTablet(const tablet::Clock& clock, const std::function<void(tablet::TabletServerOptions*)>& tweak)
    : clock_(clock), options_(FastTabletOptions(clock)) {
  if (tweak) tweak(&options_);
  Start();
}

TestTablet::~TestTablet() { Stop(); }

void TestTablet::Start() {
  REQUIRE(server_ == nullptr);
  auto data_dir = tablet::DataDir::Open(dir_.path());
  INFO(data_dir.status().ToString());
  REQUIRE(data_dir.ok());
  tablet::TabletServerOptions options = options_;
  if (!endpoint_.empty()) options.endpoint = endpoint_;  // a restart keeps its endpoint: followers lists name it
  auto server = tablet::TabletServer::Start(std::move(data_dir).value(), options);
  INFO(server.status().ToString());
  REQUIRE(server.ok());
  server_ = std::move(server).value();
  endpoint_ = server_->endpoint();
  stub_ = v1::Tablet::NewStub(grpc::CreateChannel(endpoint_, grpc::InsecureChannelCredentials()));
}

void TestTablet::Stop() {
  stub_.reset();
  server_.reset();
}

void TestTablet::GrantLeases(const std::vector<tablet::LeaseGrant>& grants, std::chrono::milliseconds lease) {
  tablet().leases().Grant(clock_.Now(), lease, grants);
}

void SetDeadline(grpc::ClientContext* ctx) {
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
}

v1::ReplicaSpec Spec(uint32_t tid, uint32_t pid, v1::Role role, uint64_t term,
                     const std::vector<std::string>& followers, v1::Acks acks, uint32_t replica_count,
                     uint32_t wal_level) {
  v1::ReplicaSpec spec;
  spec.mutable_partition()->set_tid(tid);
  spec.mutable_partition()->set_pid(pid);
  spec.set_table_name("t" + std::to_string(tid));
  spec.set_role(role);
  spec.set_term(term);
  for (const std::string& f : followers) spec.add_followers(f);
  spec.set_acks(acks);
  spec.set_wal_level(wal_level);
  spec.set_replica_count(replica_count);
  return spec;
}

namespace {

// Calls one RPC with a deadline, REQUIREs that it reached the tablet, returns the response.
template <typename Request, typename Response>
Response Call(grpc::Status (v1::Tablet::Stub::*method)(grpc::ClientContext*, const Request&, Response*), TestTablet& t,
              const Request& req) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  Response resp;
  const grpc::Status rpc = (t.stub().*method)(&ctx, req, &resp);
  INFO(rpc.error_message());
  REQUIRE(rpc.ok());
  return resp;
}

}  // namespace

v1::WriteRequest PutRequest(uint32_t tid, uint32_t pid, const std::string& key, const std::string& value,
                            uint64_t term) {
  v1::WriteRequest req;
  req.mutable_partition()->set_tid(tid);
  req.mutable_partition()->set_pid(pid);
  req.set_term(term);
  v1::WriteOp* op = req.add_ops();
  op->set_type(v1::PUT);
  op->set_key(key);
  op->set_value(value);
  return req;
}

v1::WriteResponse Put(TestTablet& t, uint32_t tid, uint32_t pid, const std::string& key, const std::string& value,
                      uint64_t term) {
  return Call(&v1::Tablet::Stub::Write, t, PutRequest(tid, pid, key, value, term));
}

bool PutFromThread(TestTablet& t, uint32_t tid, uint32_t pid, const std::string& key, const std::string& value) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  v1::WriteResponse resp;
  return t.stub().Write(&ctx, PutRequest(tid, pid, key, value), &resp).ok() && resp.error().code() == v1::OK;
}

v1::GetResponse Get(TestTablet& t, uint32_t tid, uint32_t pid, const std::string& key) {
  v1::GetRequest req;
  req.mutable_partition()->set_tid(tid);
  req.mutable_partition()->set_pid(pid);
  req.set_key(key);
  return Call(&v1::Tablet::Stub::Get, t, req);
}

v1::ReplicaStatus Status(TestTablet& t, uint32_t tid, uint32_t pid, bool with_checksum) {
  v1::GetStatusRequest req;
  v1::PartitionId* id = req.add_partitions();
  id->set_tid(tid);
  id->set_pid(pid);
  req.set_with_checksum(with_checksum);
  v1::GetStatusResponse resp = Call(&v1::Tablet::Stub::GetStatus, t, req);
  INFO(resp.error().message());
  REQUIRE(resp.error().code() == v1::OK);
  REQUIRE(resp.replicas_size() == 1);
  return resp.replicas(0);
}

v1::LoadReplicaResponse LoadReplica(TestTablet& t, uint32_t tid, uint32_t pid, const std::string& table) {
  v1::LoadReplicaRequest req;
  req.mutable_partition()->set_tid(tid);
  req.mutable_partition()->set_pid(pid);
  req.set_table_name(table);
  return Call(&v1::Tablet::Stub::LoadReplica, t, req);
}

v1::Error CreateReplica(TestTablet& t, const v1::ReplicaSpec& spec) {
  v1::CreateReplicaRequest req;
  *req.mutable_spec() = spec;
  return Call(&v1::Tablet::Stub::CreateReplica, t, req).error();
}

v1::ChangeRoleResponse ChangeRole(TestTablet& t, const v1::ReplicaSpec& spec) {
  v1::ChangeRoleRequest req;
  *req.mutable_spec() = spec;
  return Call(&v1::Tablet::Stub::ChangeRole, t, req);
}

v1::AppendResponse Append(TestTablet& t, const v1::AppendRequest& req) {
  return Call(&v1::Tablet::Stub::Append, t, req);
}

ThreeTablets::ThreeTablets(const std::function<void(tablet::TabletServerOptions*)>& tweak) {
  for (int i = 0; i < 3; ++i) tablets.push_back(std::make_unique<TestTablet>(clock, tweak));
}

void ThreeTablets::CreatePartition(uint32_t tid, uint32_t pid, uint64_t term, v1::Acks acks, uint32_t wal_level) {
  for (size_t i = 1; i < tablets.size(); ++i) {
    v1::Error e = CreateReplica(*tablets[i], Spec(tid, pid, v1::FOLLOWER, term, {}, acks, 3, wal_level));
    INFO(e.message());
    REQUIRE(e.code() == v1::OK);
  }
  std::vector<std::string> followers;
  for (size_t i = 1; i < tablets.size(); ++i) followers.push_back(tablets[i]->endpoint());
  v1::Error e = CreateReplica(*tablets[0], Spec(tid, pid, v1::LEADER, term, followers, acks, 3, wal_level));
  INFO(e.message());
  REQUIRE(e.code() == v1::OK);
  tablets[0]->GrantLeases({{{tid, pid}, term}});
}

void ThreeTablets::RequireInSync(uint32_t tid, uint32_t pid, size_t leader) {
  const v1::ReplicaStatus want = Status(*tablets[leader], tid, pid, /*with_checksum=*/true);
  for (auto& t : tablets) {
    if (!t->running()) continue;
    const bool caught_up =
        WaitUntil([&] { return Status(*t, tid, pid).applied_offset() == want.last_offset(); });
    const v1::ReplicaStatus got = Status(*t, tid, pid, /*with_checksum=*/true);
    INFO(t->endpoint() << " has " << got.ShortDebugString() << "; the leader " << want.ShortDebugString());
    REQUIRE(caught_up);
    REQUIRE(got.last_offset() == want.last_offset());
    REQUIRE(got.last_term() == want.last_term());
    REQUIRE(got.content_checksum() == want.content_checksum());
    REQUIRE(got.record_count() == want.record_count());
  }
}

}  // namespace kv::test
