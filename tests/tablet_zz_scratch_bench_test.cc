#include <catch2/catch.hpp>
#include <atomic>
#include <thread>
#include "tests/tablet_test_util.h"
#include <cstdlib>
namespace kv::test {
static v1::Acks Acks() { return getenv("ACKS_LEADER") ? v1::ACKS_LEADER : v1::ACKS_MAJORITY; }
static int Threads() { return getenv("THREADS") ? atoi(getenv("THREADS")) : 16; }
TEST_CASE("scratch bench", "[.bench]") {
  ThreeTablets c([](tablet::TabletServerOptions* o) { o->tablet.partition.majority_timeout = std::chrono::seconds(2); o->tablet.storage = storage::StorageEnvOptions{}; });
  const int P = getenv("PARTS") ? atoi(getenv("PARTS")) : 8;
  std::vector<tablet::LeaseGrant> grants;
  for (int p = 0; p < P; ++p) {
    for (int i = 1; i < 3; ++i) REQUIRE(CreateReplica(*c.tablets[i], Spec(1, p, v1::FOLLOWER, 1, {}, Acks())).code() == v1::OK);
    if (getenv("NOFOLLOWERS")) REQUIRE(CreateReplica(*c.tablets[0], Spec(1, p, v1::LEADER, 1, {}, Acks(), 1)).code() == v1::OK);
    else REQUIRE(CreateReplica(*c.tablets[0], Spec(1, p, v1::LEADER, 1, {c.tablets[1]->endpoint(), c.tablets[2]->endpoint()}, Acks())).code() == v1::OK);
    grants.push_back({{1, (uint32_t)p}, 1});
  }
  c.tablets[0]->GrantLeases(grants);
  std::atomic<int> ok{0}, bad{0};
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> ts;
  for (int t = 0; t < Threads(); ++t) ts.emplace_back([&, t] {
    auto stub = v1::Tablet::NewStub(grpc::CreateChannel(c.tablets[0]->endpoint(), grpc::InsecureChannelCredentials()));
    for (int i = 0; i < 48000 / Threads(); ++i) {
      if (getenv("GETS")) {
        v1::GetRequest g; g.mutable_partition()->set_tid(1); g.mutable_partition()->set_pid((t + i) % P); g.set_key(getenv("BIGKEY") ? std::string(150, 120) : std::string("x"));
        grpc::ClientContext ctx; SetDeadline(&ctx); v1::GetResponse resp;
        if (stub->Get(&ctx, g, &resp).ok() && resp.error().code() == v1::OK) ++ok; else ++bad;
        continue;
      }
      v1::WriteRequest req; req.mutable_partition()->set_tid(1); req.mutable_partition()->set_pid((t + i) % P);
      auto* op = req.add_ops(); op->set_type(v1::PUT); op->set_key("k" + std::to_string(t) + "-" + std::to_string(i)); op->set_value(std::string(100, 'v'));
      grpc::ClientContext ctx; SetDeadline(&ctx); v1::WriteResponse resp;
      if (stub->Write(&ctx, req, &resp).ok() && resp.error().code() == v1::OK) ++ok; else ++bad;
    }
  });
  for (auto& t : ts) t.join();
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  WARN("writes/s " << ok / s << " ok " << ok << " bad " << bad);
}
}
namespace kv::test {
TEST_CASE("scratch direct", "[.direct]") {
  FakeClock clock;
  TestTablet t(clock, [](tablet::TabletServerOptions* o) { o->tablet.storage = storage::StorageEnvOptions{}; });
  REQUIRE(CreateReplica(t, Spec(1, 0, v1::LEADER, 1, {}, v1::ACKS_LEADER, 1)).code() == v1::OK);
  t.GrantLeases({{{1, 0}, 1}});
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 5000; ++i) {
    v1::WriteRequest req; req.mutable_partition()->set_tid(1);
    auto* op = req.add_ops(); op->set_type(v1::PUT); op->set_key("k" + std::to_string(i)); op->set_value(std::string(100, 'v'));
    v1::WriteResponse resp;
    t.tablet().Write(req, std::chrono::steady_clock::now() + std::chrono::seconds(1), &resp);
    REQUIRE(resp.error().code() == v1::OK);
  }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  WARN("direct writes/s " << 5000 / s);
}
}
