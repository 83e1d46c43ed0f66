// A real cluster on the playground: a nameserver and three tablet processes
// with embedded metadata. Writes go through the client; the checks read the
// nameserver's metadata and each tablet's own status. The playground goes
// down (by PID) when the test ends, whatever happened.
#include <catch2/catch.hpp>
#include <grpcpp/grpcpp.h>

#include <map>
#include <set>
#include <thread>

#include "cluster/client/kv_client.h"
#include "cluster/proto/kv.grpc.pb.h"
#include "ops/playground/playground.h"
#include "tests/playground_test_util.h"
#include "tests/test_util.h"

using namespace kv;
using namespace kv::test;

namespace {

v1::TableInfo Table(uint32_t tid, uint32_t partitions, uint32_t replicas) {
  v1::TableInfo t;
  t.set_name("t" + std::to_string(tid));
  t.set_tid(tid);
  t.set_partition_count(partitions);
  t.set_replica_count(replicas);
  t.set_state("kTableNormal");
  return t;
}

// Every partition of the tables with `replicas` equal replicas, the first leading.
std::map<PartitionKey, std::vector<v1::ReplicaStatus>> AllConverged(const std::vector<v1::TableInfo>& tables) {
  std::map<PartitionKey, std::vector<v1::ReplicaStatus>> status;
  for (const v1::TableInfo& t : tables) {
    for (uint32_t pid = 0; pid < t.partition_count(); ++pid) {
      for (uint32_t i = 0; i < t.replica_count(); ++i) {
        v1::ReplicaStatus r;
        r.mutable_partition()->set_tid(t.tid());
        r.mutable_partition()->set_pid(pid);
        r.set_role(i == 0 ? v1::LEADER : v1::FOLLOWER);
        r.set_last_term(2);
        r.set_last_offset(40);
        r.set_applied_offset(40);
        r.set_content_checksum(7);
        status[{t.tid(), pid}].push_back(r);
      }
    }
  }
  return status;
}

}  // namespace

// The check every end-to-end test waits on: it must not pass when nothing answered.
TEST_CASE("convergence is judged against the tables: no answer is not convergence", "[playground][convergence]") {
  const std::vector<v1::TableInfo> tables{Table(1, 2, 3), Table(2, 1, 5)};
  auto status = AllConverged(tables);
  CHECK(DescribeDivergence(tables, status).empty());

  CHECK(DescribeDivergence(tables, {}) == "partition 1_0 has 0 replicas answering, not 3");
  CHECK(DescribeDivergence({}, status) == "the nameserver lists no table");
  SECTION("a partition nobody reports") {
    status.erase({1, 1});
    CHECK(DescribeDivergence(tables, status) == "partition 1_1 has 0 replicas answering, not 3");
  }
  SECTION("fewer replicas than the table has") {
    status[{2, 0}].pop_back();
    CHECK(DescribeDivergence(tables, status) == "partition 2_0 has 4 replicas answering, not 5");
  }
  SECTION("a partition no table has") {
    status[{3, 0}] = status[{1, 0}];
    CHECK(DescribeDivergence(tables, status) == "partition 3_0 answers, but no table has it");
  }
  SECTION("a table not yet placed") {
    std::vector<v1::TableInfo> creating = tables;
    creating[1].set_state("kTableCreating");
    CHECK(DescribeDivergence(creating, status) == "table t2 is kTableCreating");
  }
  SECTION("a replica behind its leader") {
    status[{1, 1}][2].set_last_offset(39);
    CHECK_THAT(DescribeDivergence(tables, status), Catch::Contains("partition 1_1: a replica is at (term 2, offset 39)"));
  }
}

TEST_CASE("a 3-tablet playground places, stores, scans and replicates a table", "[playground][cluster]") {
  TempDir tmp;
  auto pg = StartPlayground(tmp, 3);
  auto client = ConnectTo(pg->get());
  REQUIRE(client->ShowTablet()->size() == 3);

  v1::CreateTableRequest create;
  create.set_name("t1");
  create.set_partitions(8);
  create.set_replicas(3);
  create.set_acks(v1::ACKS_MAJORITY);
  auto table = client->CreateTable(create);
  INFO(table.status().message());
  REQUIRE(table.ok());
  CHECK(table->partition_count() == 8);
  CHECK(table->replica_count() == 3);

  {
    // Placement: no tablet holds two replicas of a partition; leaders spread evenly.
    std::map<std::string, int> leaders;
    for (const v1::PartitionInfo& p : table->partitions()) {
      std::set<std::string> endpoints;
      int leader_rows = 0;
      for (const v1::ReplicaInfo& r : p.replicas()) {
        endpoints.insert(r.endpoint());
        if (r.role() == v1::LEADER) {
          ++leader_rows;
          CHECK(r.endpoint() == p.leader());
        }
      }
      CHECK(endpoints.size() == 3);
      CHECK(leader_rows == 1);
      ++leaders[p.leader()];
    }
    REQUIRE(leaders.size() == 3);
    for (const auto& [endpoint, count] : leaders) {
      INFO(endpoint);
      CHECK(count >= 2);  // 8 over 3: 3, 3, 2
      CHECK(count <= 3);
    }
  }

  // Writes and reads through the client.
  constexpr int kKeys = 1000;
  auto key = [](int i) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "key%05d", i);
    return std::string(buf);
  };
  for (int i = 0; i < kKeys; ++i) {
    auto put = client->Put("t1", key(i), "value-" + std::to_string(i));
    INFO(put.status().message());
    REQUIRE(put.ok());
  }
  for (int i = 0; i < kKeys; ++i) {
    auto got = client->Get("t1", key(i));
    REQUIRE(got.ok());
    REQUIRE(got->has_value());
    CHECK(**got == "value-" + std::to_string(i));
  }
  CHECK(!client->Get("t1", "absent")->has_value());
  CHECK(*client->Count("t1") == kKeys);

  // Scans merge the partitions in key order and stop at the limit.
  auto some = client->Scan("t1", key(100), key(900), 250);
  REQUIRE(some.ok());
  REQUIRE(some->size() == 250);
  for (int i = 0; i < 250; ++i) CHECK((*some)[i].key == key(100 + i));
  auto all = client->Scan("t1", "", "", 0);
  REQUIRE(all.ok());
  CHECK(all->size() == kKeys);
  CHECK(std::is_sorted(all->begin(), all->end(), [](auto& a, auto& b) { return a.key < b.key; }));

  // A batch and a delete.
  std::string a = "batch-a", b = "batch-b";
  while (client::PartitionOf(b, 8) != client::PartitionOf(a, 8)) b += "x";
  REQUIRE(client->Batch("t1", {client::WriteOp::Put(a, "1"), client::WriteOp::Put(b, "2")}).ok());
  REQUIRE(client->Delete("t1", key(0)).ok());
  CHECK(!client->Get("t1", key(0))->has_value());
  CHECK(**client->Get("t1", b) == "2");
  const uint64_t expected_keys = kKeys - 1 + 2;

  // Invariant 5 and 2, seen from outside: every replica of every partition
  // ends with the leader's last offset and the same content checksum.
  std::string why;
  const bool converged = WaitUntil(std::chrono::seconds(30), [&] {
    why = DescribeDivergence(*client, pg->get());
    return why.empty();
  });
  INFO(why);
  CHECK(converged);
  uint64_t records = 0;
  for (const auto& [pid, replicas] : ReplicaStatusByPartition(*client, pg->get())) {
    for (const v1::ReplicaStatus& r : replicas) {
      if (r.role() == v1::LEADER) records += r.record_count();
    }
  }
  CHECK(records == expected_keys);
}

TEST_CASE("a tablet refuses requests with a term older than the newest it has seen", "[playground][cluster]") {
  // Invariant 3, against a live tablet process: a probe replica (a table id
  // the nameserver never hands out) is told it is at term 5; older terms are
  // then refused, both for a follower's Append and for a leader's Write.
  TempDir tmp;
  auto pg = StartPlayground(tmp, 1);
  const std::string tablet = pg->get().state().EndpointsOf(ops::kRoleTablet).front();
  auto stub = v1::Tablet::NewStub(grpc::CreateChannel(tablet, grpc::InsecureChannelCredentials()));

  for (v1::Role role : {v1::FOLLOWER, v1::LEADER}) {
    const uint32_t tid = role == v1::FOLLOWER ? 4000000001u : 4000000002u;
    v1::CreateReplicaRequest create;
    v1::ReplicaSpec* spec = create.mutable_spec();
    spec->mutable_partition()->set_tid(tid);
    spec->mutable_partition()->set_pid(0);
    spec->set_table_name("fence_probe");
    spec->set_role(role);
    spec->set_term(5);
    spec->set_replica_count(1);
    spec->set_wal_level(1);
    v1::CreateReplicaResponse created;
    {
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
      REQUIRE(stub->CreateReplica(&ctx, create, &created).ok());
    }
    INFO(created.error().message());
    REQUIRE(created.error().code() == v1::OK);

    if (role == v1::FOLLOWER) {
      v1::AppendRequest append;
      append.mutable_partition()->set_tid(tid);
      append.set_term(4);
      append.set_leader("127.0.0.1:1");
      v1::LogRecord* r = append.add_records();
      r->set_offset(1);
      r->set_term(4);
      r->set_type(v1::NOOP);
      v1::AppendResponse answer;
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
      REQUIRE(stub->Append(&ctx, append, &answer).ok());
      CHECK(answer.error().code() == v1::STALE_TERM);
      CHECK(answer.error().current_term() == 5);
      CHECK(answer.last_offset() == 0);  // nothing appended
    } else {
      v1::WriteRequest write;
      write.mutable_partition()->set_tid(tid);
      write.set_term(4);
      v1::WriteOp* op = write.add_ops();
      op->set_type(v1::PUT);
      op->set_key("k");
      op->set_value("v");
      v1::WriteResponse answer;
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
      REQUIRE(stub->Write(&ctx, write, &answer).ok());
      CHECK(answer.error().code() == v1::STALE_TERM);
      CHECK(answer.error().current_term() == 5);
    }
  }
}
