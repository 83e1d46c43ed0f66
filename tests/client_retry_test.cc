// The client against fake servers in this process: it follows a standby
// nameserver's hint, refreshes its route and retries when a tablet says it
// no longer leads, tells a missing key from a missing table, and gives up at
// its deadline when nobody answers.
#include <catch2/catch.hpp>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <mutex>

#include "cluster/client/kv_client.h"
#include "cluster/proto/kv.grpc.pb.h"
#include "tests/grpc_test_server.h"

using namespace kv;
using namespace kv::client;

namespace {

class FakeNameServer : public v1::NameServer::Service {
 public:
  grpc::Status ShowTable(grpc::ServerContext*, const v1::ShowTableRequest* request,
                         v1::ShowTableResponse* response) override {
    std::lock_guard l(mu_);
    ++show_table_calls;
    if (!active_hint.empty()) return NotLeader(response->mutable_error());
    if (request->name() != table.name()) {
      response->mutable_error()->set_code(v1::NOT_FOUND);
      response->mutable_error()->set_message("table " + request->name() + " does not exist");
      return grpc::Status::OK;
    }
    *response->add_tables() = table;
    return grpc::Status::OK;
  }
  grpc::Status ShowTablet(grpc::ServerContext*, const v1::ShowTabletRequest*,
                          v1::ShowTabletResponse* response) override {
    std::lock_guard l(mu_);
    if (!active_hint.empty()) return NotLeader(response->mutable_error());
    response->add_tablets()->set_endpoint("answered-by-the-active-one");
    return grpc::Status::OK;
  }
  void SetLeader(const std::string& endpoint, uint64_t term) {
    std::lock_guard l(mu_);
    table.mutable_partitions(0)->set_leader(endpoint);
    table.mutable_partitions(0)->set_term(term);
  }

  std::mutex mu_;
  std::string active_hint;  // set: a standby
  v1::TableInfo table;
  int show_table_calls = 0;

 private:
  grpc::Status NotLeader(v1::Error* error) {
    error->set_code(v1::NOT_LEADER);
    error->set_message("standby");
    error->set_leader_hint(active_hint);
    return grpc::Status::OK;
  }
};

class FakeTablet : public v1::Tablet::Service {
 public:
  grpc::Status Write(grpc::ServerContext*, const v1::WriteRequest* request, v1::WriteResponse* response) override {
    std::lock_guard l(mu);
    if (!leads) {
      response->mutable_error()->set_code(v1::NOT_LEADER);
      response->mutable_error()->set_message("not the leader");
      return grpc::Status::OK;
    }
    for (const v1::WriteOp& op : request->ops()) data[op.key()] = op.value();
    last_term_seen = request->term();
    response->set_offset(++offset);
    response->set_term(request->term());
    return grpc::Status::OK;
  }
  grpc::Status Get(grpc::ServerContext*, const v1::GetRequest* request, v1::GetResponse* response) override {
    std::lock_guard l(mu);
    auto it = data.find(request->key());
    response->set_found(it != data.end());
    if (it != data.end()) response->set_value(it->second);
    return grpc::Status::OK;
  }

  std::mutex mu;
  bool leads = true;
  std::map<std::string, std::string> data;
  uint64_t offset = 0;
  uint64_t last_term_seen = 0;
};

v1::TableInfo OnePartitionTable(const std::string& leader) {
  v1::TableInfo t;
  t.set_name("t1");
  t.set_tid(5);
  t.set_partition_count(1);
  v1::PartitionInfo* p = t.add_partitions();
  p->set_pid(0);
  p->set_term(1);
  p->set_leader(leader);
  return t;
}

std::unique_ptr<Client> ClientFor(std::vector<std::string> nameservers, int overall_ms = 3000) {
  ClientOptions options;
  options.nameservers = std::move(nameservers);
  options.retry.overall = std::chrono::milliseconds(overall_ms);
  options.retry.per_rpc = std::chrono::milliseconds(std::min(overall_ms, 1000));
  auto c = Client::Connect(std::move(options));
  REQUIRE(c.ok());
  return std::move(c).value();
}

}  // namespace

TEST_CASE("the client follows a standby nameserver's hint to the active one", "[client]") {
  FakeNameServer active, standby;
  std::string active_ep, standby_ep;
  auto a = test::ServeOnLoopback(&active, &active_ep);
  auto s = test::ServeOnLoopback(&standby, &standby_ep);
  standby.active_hint = active_ep;
  auto client = ClientFor({standby_ep});
  auto tablets = client->ShowTablet();
  REQUIRE(tablets.ok());
  REQUIRE(tablets->size() == 1);
  CHECK((*tablets)[0].endpoint() == "answered-by-the-active-one");
}

TEST_CASE("after NOT_LEADER the client refreshes its route and writes to the new leader", "[client]") {
  FakeTablet old_leader, new_leader;
  std::string old_ep, new_ep, ns_ep;
  auto t1 = test::ServeOnLoopback(&old_leader, &old_ep);
  auto t2 = test::ServeOnLoopback(&new_leader, &new_ep);
  FakeNameServer ns;
  ns.table = OnePartitionTable(old_ep);
  auto n = test::ServeOnLoopback(&ns, &ns_ep);
  auto client = ClientFor({ns_ep});

  auto first = client->Put("t1", "a", "1");
  REQUIRE(first.ok());
  CHECK(old_leader.data.at("a") == "1");
  CHECK(old_leader.last_term_seen == 1);  // the route's term travels with the write

  // Leadership moves at term 2; the client still has the old route.
  {
    std::lock_guard l(old_leader.mu);
    old_leader.leads = false;
  }
  ns.SetLeader(new_ep, 2);
  auto second = client->Put("t1", "b", "2");
  REQUIRE(second.ok());
  CHECK(second->term == 2);
  CHECK(new_leader.data.at("b") == "2");
  CHECK(new_leader.last_term_seen == 2);
  CHECK(ns.show_table_calls == 2);  // fetched once, refreshed once
}

TEST_CASE("a missing key is not an error, a missing table is NotFound", "[client]") {
  FakeTablet tablet;
  FakeNameServer ns;
  std::string tablet_ep, ns_ep;
  auto t = test::ServeOnLoopback(&tablet, &tablet_ep);
  ns.table = OnePartitionTable(tablet_ep);
  auto n = test::ServeOnLoopback(&ns, &ns_ep);
  auto client = ClientFor({ns_ep});
  REQUIRE(client->Put("t1", "here", "v").ok());
  auto found = client->Get("t1", "here");
  REQUIRE(found.ok());
  CHECK(found->value() == "v");
  auto absent = client->Get("t1", "absent");
  REQUIRE(absent.ok());
  CHECK(!absent->has_value());
  auto no_table = client->Get("nope", "k");
  CHECK(no_table.status().IsNotFound());
  CHECK(no_table.status().message() == "table 'nope' does not exist");
}

TEST_CASE("a batch must stay within one partition", "[client]") {
  FakeNameServer ns;
  std::string ns_ep;
  v1::TableInfo t = OnePartitionTable("127.0.0.1:1");
  t.set_partition_count(2);
  v1::PartitionInfo* p1 = t.add_partitions();
  p1->set_pid(1);
  p1->set_leader("127.0.0.1:1");
  ns.table = t;
  auto n = test::ServeOnLoopback(&ns, &ns_ep);
  auto client = ClientFor({ns_ep});
  // Two keys in different partitions (of 2).
  std::string a = "a", b = "b";
  while (PartitionOf(b, 2) == PartitionOf(a, 2)) b += "b";
  auto batch = client->Batch("t1", {WriteOp::Put(a, "1"), WriteOp::Put(b, "2")});
  CHECK(batch.status().IsInvalidArgument());
}

TEST_CASE("with no nameserver answering, the client gives up at its deadline", "[client]") {
  // A port that was free a moment ago: nothing listens there.
  FakeNameServer gone;
  std::string gone_ep;
  { auto s = test::ServeOnLoopback(&gone, &gone_ep); }
  auto client = ClientFor({gone_ep}, 300);
  auto tablets = client->ShowTablet();
  REQUIRE(!tablets.ok());
  CHECK(tablets.status().IsIOError());
  CHECK_THAT(tablets.status().message(), Catch::Contains("gave up after"));
  CHECK_THAT(tablets.status().message(), Catch::Contains(gone_ep));
}

TEST_CASE("a client needs a nameserver", "[client]") {
  CHECK(Client::Connect({}).status().IsInvalidArgument());
}
