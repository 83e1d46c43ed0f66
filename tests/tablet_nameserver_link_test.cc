// The tablet's nameserver link against fake nameservers: registration through
// a standby's hint, heartbeats carrying replica status, leases from the
// answers (invariant 4), and registering again when told, with the same
// incarnation.
#include <catch2/catch.hpp>
#include <grpcpp/grpcpp.h>

#include <set>

#include "tests/tablet_test_util.h"

namespace kv::test {
namespace {

constexpr uint32_t kTid = 4, kPid = 2;

// Answers like a nameserver: a standby points at the active one; the active
// one grants leases for `granted` at term 1 while told to.
class FakeNameServer final : public v1::NameServer::Service {
 public:
  explicit FakeNameServer(std::string active_hint = "") : active_hint_(std::move(active_hint)) {
    grpc::ServerBuilder b;
    b.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    b.RegisterService(this);
    server_ = b.BuildAndStart();
    REQUIRE(server_);
  }
  ~FakeNameServer() override { server_->Shutdown(std::chrono::system_clock::now()); }
  std::string endpoint() const { return "127.0.0.1:" + std::to_string(port_); }

  grpc::Status RegisterTablet(grpc::ServerContext*, const v1::RegisterTabletRequest* req,
                              v1::RegisterTabletResponse* resp) override {
    std::lock_guard<std::mutex> l(mu_);
    if (!active_hint_.empty()) return Standby(resp->mutable_error());
    ++registrations_;
    tablet_id_ = req->tablet_id();
    incarnations_.insert(req->incarnation());
    resp->set_heartbeat_interval_ms(50);
    return grpc::Status::OK;
  }
  grpc::Status Heartbeat(grpc::ServerContext*, const v1::HeartbeatRequest* req, v1::HeartbeatResponse* resp) override {
    std::lock_guard<std::mutex> l(mu_);
    if (!active_hint_.empty()) return Standby(resp->mutable_error());
    last_beat_ = *req;
    if (ask_reregister_) {
      ask_reregister_ = false;
      resp->set_reregister(true);
      return grpc::Status::OK;
    }
    resp->set_lease_ms(800);
    if (grant_) {
      v1::LeaseGrant* g = resp->add_leases();
      g->mutable_partition()->set_tid(kTid);
      g->mutable_partition()->set_pid(kPid);
      g->set_term(1);
    }
    return grpc::Status::OK;
  }

  std::mutex mu_;
  int registrations_ = 0;
  std::string tablet_id_;
  std::set<uint64_t> incarnations_;  // of every registration
  v1::HeartbeatRequest last_beat_;
  bool grant_ = true;
  bool ask_reregister_ = false;

 private:
  grpc::Status Standby(v1::Error* e) {
    e->set_code(v1::NOT_LEADER);
    e->set_message("standby");
    e->set_leader_hint(active_hint_);
    return grpc::Status::OK;
  }

  const std::string active_hint_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

}  // namespace

TEST_CASE("the nameserver link registers through a standby's hint and leases come from heartbeat answers (invariant 4)",
          "[tablet]") {
  FakeNameServer active;
  FakeNameServer standby(active.endpoint());
  TestTablet t(tablet::SteadyClock(), [&](tablet::TabletServerOptions* o) {
    o->nameservers = {standby.endpoint()};  // only the standby is listed: the hint leads on
  });
  REQUIRE(WaitUntil([&] {
    std::lock_guard<std::mutex> l(active.mu_);
    return active.registrations_ == 1;
  }));
  REQUIRE(CreateReplica(t, Spec(kTid, kPid, v1::LEADER, 1, {}, v1::ACKS_MAJORITY, 1)).code() == v1::OK);
  REQUIRE(WaitUntil([&] { return Put(t, kTid, kPid, "a", "1").error().code() == v1::OK; }));
  {
    std::lock_guard<std::mutex> l(active.mu_);
    CHECK(active.tablet_id_.size() == 16);
    CHECK(active.last_beat_.endpoint() == t.endpoint());
  }
  REQUIRE(WaitUntil([&] {
    std::lock_guard<std::mutex> l(active.mu_);
    return active.last_beat_.replicas_size() == 1 && active.last_beat_.replicas(0).role() == v1::LEADER &&
           active.last_beat_.replicas(0).lease_valid();
  }));

  // No more grants: the next answer takes the lease away.
  {
    std::lock_guard<std::mutex> l(active.mu_);
    active.grant_ = false;
  }
  REQUIRE(WaitUntil([&] { return Put(t, kTid, kPid, "b", "2").error().code() == v1::LEASE_EXPIRED; }));

  {
    std::lock_guard<std::mutex> l(active.mu_);
    active.ask_reregister_ = true;
    active.grant_ = true;
  }
  REQUIRE(WaitUntil([&] {
    std::lock_guard<std::mutex> l(active.mu_);
    return active.registrations_ == 2;
  }));
  REQUIRE(WaitUntil([&] { return Put(t, kTid, kPid, "b", "2").error().code() == v1::OK; }));
  // One process, one incarnation: registering again is not a restart.
  std::lock_guard<std::mutex> l(active.mu_);
  REQUIRE(active.incarnations_.size() == 1);
  CHECK(*active.incarnations_.begin() != 0);
  CHECK(active.last_beat_.incarnation() == *active.incarnations_.begin());
}

}  // namespace kv::test
