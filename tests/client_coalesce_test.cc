// The client coalesces concurrent writes to one leader into WriteMulti calls
// (cluster/client/tablet_pipes.h): each thread still gets its own answer,
// retries and errors. Against a fake nameserver and tablet in this process.
#include <catch2/catch.hpp>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <set>
#include <mutex>
#include <thread>

#include "cluster/client/kv_client.h"
#include "cluster/proto/kv.grpc.pb.h"
#include "tests/grpc_test_server.h"

using namespace kv;
using namespace kv::client;

namespace {

constexpr uint32_t kPartitions = 4;

// The writing threads: how many still write, and how many are inside a call
// to the client. The fake tablet holds each WriteMulti until every thread
// still writing is inside one, so that what the client coalesces does not
// depend on how the machine schedules the threads.
class Writers {
 public:
  explicit Writers(int threads) : live_(threads) {}
  void Enter() { Change([&] { ++inside_; }); }
  void Leave() { Change([&] { --inside_; }); }
  void Done() { Change([&] { --live_; }); }
  // Until every live thread is inside a call, or a deadline far beyond any
  // wait of a healthy run (then the figures below say so).
  void AwaitAllInside() {
    std::unique_lock l(mu_);
    cv_.wait_for(l, std::chrono::seconds(10), [&] { return inside_ == live_; });
  }

 private:
  template <typename F>
  void Change(F f) {
    {
      std::lock_guard l(mu_);
      f();
    }
    cv_.notify_all();
  }
  std::mutex mu_;
  std::condition_variable cv_;
  int live_;
  int inside_ = 0;
};

class FakeNameServer : public v1::NameServer::Service {
 public:
  grpc::Status ShowTable(grpc::ServerContext*, const v1::ShowTableRequest*, v1::ShowTableResponse* r) override {
    *r->add_tables() = table;
    return grpc::Status::OK;
  }
  v1::TableInfo table;
};

// Leads every partition. A key starting "bad" is refused (INVALID_ARGUMENT,
// final); a key starting "moved" is answered NOT_LEADER the first time
// (retried by the client), then written.
class FakeTablet : public v1::Tablet::Service {
 public:
  struct Landed {
    uint32_t pid;
    uint64_t offset;
  };

  grpc::Status WriteMulti(grpc::ServerContext*, const v1::WriteMultiRequest* req,
                          v1::WriteMultiResponse* resp) override {
    if (writers != nullptr) writers->AwaitAllInside();
    std::lock_guard l(mu);
    ++rpcs;
    carried += req->writes_size();
    max_batch = std::max<size_t>(max_batch, req->writes_size());
    for (const v1::WriteRequest& w : req->writes()) {
      v1::WriteResponse* r = resp->add_results();
      const std::string& key = w.ops(0).key();
      if (key.rfind("bad", 0) == 0) {
        r->mutable_error()->set_code(v1::INVALID_ARGUMENT);
        r->mutable_error()->set_message("refused " + key);
        continue;
      }
      if (key.rfind("moved", 0) == 0 && refused_once.insert(key).second) {
        r->mutable_error()->set_code(v1::NOT_LEADER);
        r->mutable_error()->set_message("not yet");
        continue;
      }
      const uint32_t pid = w.partition().pid();
      const uint64_t offset = ++offsets[pid];
      landed[key] = {pid, offset};
      r->set_offset(offset);
      r->set_term(1);
    }
    return grpc::Status::OK;
  }

  std::mutex mu;
  std::map<uint32_t, uint64_t> offsets;
  std::map<std::string, Landed> landed;
  std::set<std::string> refused_once;
  Writers* writers = nullptr;
  size_t rpcs = 0;
  size_t carried = 0;  // writes in every WriteMulti, retries included
  size_t max_batch = 0;
};

}  // namespace

TEST_CASE("coalesced writes: concurrent writes share calls, each of many threads gets its own ack, one write's error "
          "fails no other",
          "[client]") {
  constexpr int kThreads = 16, kWrites = 60;
  Writers writers(kThreads);
  FakeTablet tablet;
  tablet.writers = &writers;
  FakeNameServer ns;
  std::string tablet_ep, ns_ep;
  auto t = test::ServeOnLoopback(&tablet, &tablet_ep);
  ns.table.set_name("t1");
  ns.table.set_tid(5);
  ns.table.set_partition_count(kPartitions);
  for (uint32_t pid = 0; pid < kPartitions; ++pid) {
    v1::PartitionInfo* p = ns.table.add_partitions();
    p->set_pid(pid);
    p->set_term(1);
    p->set_leader(tablet_ep);
  }
  auto n = test::ServeOnLoopback(&ns, &ns_ep);
  ClientOptions options;
  options.nameservers = {ns_ep};
  auto client = Client::Connect(options);
  REQUIRE(client.ok());

  struct Answer {
    std::string key;
    Result<WriteAck> ack;
  };
  std::vector<std::vector<Answer>> answers(kThreads);
  std::vector<std::thread> threads;
  for (int th = 0; th < kThreads; ++th) {
    threads.emplace_back([&, th] {
      for (int i = 0; i < kWrites; ++i) {
        std::string key = "k" + std::to_string(th) + "-" + std::to_string(i);
        if (i % 15 == 7) key = "bad" + key;
        if (i % 15 == 11) key = "moved" + key;
        writers.Enter();
        Result<WriteAck> ack = (*client)->Put("t1", key, "v");
        writers.Leave();
        answers[th].push_back({key, std::move(ack)});
      }
      writers.Done();
    });
  }
  for (std::thread& th : threads) th.join();

  std::lock_guard l(tablet.mu);
  size_t acked = 0;
  for (const auto& mine : answers) {
    for (const Answer& a : mine) {
      INFO(a.key);
      if (a.key.rfind("bad", 0) == 0) {
        CHECK(a.ack.status().IsInvalidArgument());
        CHECK_THAT(a.ack.status().message(), Catch::Contains("refused " + a.key));
        continue;
      }
      REQUIRE(a.ack.ok());
      // Its own answer: the partition and offset the tablet gave this key.
      const FakeTablet::Landed& landed = tablet.landed.at(a.key);
      CHECK(a.ack->pid == landed.pid);
      CHECK(a.ack->offset == landed.offset);
      ++acked;
    }
  }
  CHECK(acked == tablet.landed.size());
  CHECK(acked == kThreads * (kWrites - kWrites / 15));
  std::printf("coalescing: %zu writes (retries included) in %zu WriteMulti calls, at most %zu in one\n",
              tablet.carried, tablet.rpcs, tablet.max_batch);
  // One RPC in flight per endpoint, and the tablet holds each until every
  // writing thread is inside Put: the next call carries every write the held
  // one did not, so two calls carry all 16 threads' writes (8 a call). A
  // thread in a retry's backoff, or between entering Put and queuing, and
  // the last threads' tails carry fewer: at least 4 a call is asserted.
  CHECK(tablet.rpcs * 4 <= tablet.carried);
  CHECK(tablet.max_batch > 1);
}
