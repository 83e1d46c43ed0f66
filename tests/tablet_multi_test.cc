// WriteMulti and AppendMulti (kv.proto): several calls in one RPC, each
// answered on its own, on in-process tablets.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdio>
#include <thread>

#include "tests/tablet_test_util.h"
#include "tests/wal_test_util.h"
#include "wal/record.h"

namespace kv::test {
namespace {

constexpr uint32_t kTid = 3;

// pids 0..count-1 led by tablets[0] at term, with a lease on each.
void CreatePartitions(ThreeTablets& c, uint32_t count, uint64_t term) {
  std::vector<tablet::LeaseGrant> grants;
  for (uint32_t pid = 0; pid < count; ++pid) {
    c.CreatePartition(kTid, pid, term);
    grants.push_back({{kTid, pid}, term});
  }
  c.tablets[0]->GrantLeases(grants);  // a grant replaces the earlier ones: all at once
}

v1::WriteRequest PutRequest(uint32_t pid, const std::string& key, const std::string& value, uint64_t term = 0) {
  return test::PutRequest(kTid, pid, key, value, term);
}

v1::WriteMultiResponse WriteMulti(TestTablet& t, const v1::WriteMultiRequest& req) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  v1::WriteMultiResponse resp;
  REQUIRE(t.stub().WriteMulti(&ctx, req, &resp).ok());
  REQUIRE(resp.results_size() == req.writes_size());
  return resp;
}

}  // namespace

TEST_CASE("WriteMulti answers each write on its own: refused ones fail alone, the others are acknowledged in order "
          "(invariants 1, 5)",
          "[tablet]") {
  ThreeTablets c;
  CreatePartitions(c, 3, 1);
  v1::WriteMultiRequest req;
  *req.add_writes() = PutRequest(0, "a", "1");
  *req.add_writes() = PutRequest(1, "b", "2");
  *req.add_writes() = PutRequest(0, "", "empty key");                  // INVALID_ARGUMENT
  *req.add_writes() = PutRequest(0, "x", "newer term", /*term=*/9);    // NOT_LEADER: the client knows a newer term
  *req.add_writes() = PutRequest(7, "y", "not hosted");                // NOT_FOUND
  v1::WriteRequest batch = PutRequest(2, "c", "3");
  *batch.add_ops() = batch.ops(0);
  batch.mutable_ops(1)->set_key("d");
  *req.add_writes() = batch;                                           // one atomic batch record
  *req.add_writes() = PutRequest(0, "e", "4", /*term=*/1);
  const v1::WriteMultiResponse resp = WriteMulti(*c.tablets[0], req);

  const auto code = [&](int i) { return resp.results(i).error().code(); };
  CHECK(code(0) == v1::OK);
  CHECK(code(1) == v1::OK);
  CHECK(code(2) == v1::INVALID_ARGUMENT);
  CHECK(code(3) == v1::NOT_LEADER);
  CHECK(code(4) == v1::NOT_FOUND);
  CHECK(code(5) == v1::OK);
  CHECK(code(6) == v1::OK);
  // After each term's noop at offset 1, in the request's order within a partition.
  CHECK(resp.results(0).offset() == 2);
  CHECK(resp.results(6).offset() == 3);
  CHECK(resp.results(1).offset() == 2);
  CHECK(resp.results(5).offset() == 2);
  for (int i : {0, 1, 5, 6}) CHECK(resp.results(i).term() == 1);

  for (uint32_t pid = 0; pid < 3; ++pid) c.RequireInSync(kTid, pid);
  CHECK(Get(*c.tablets[0], kTid, 0, "e").value() == "4");
  CHECK(Get(*c.tablets[0], kTid, 2, "d").value() == "3");
  CHECK(!Get(*c.tablets[0], kTid, 0, "x").found());
}

TEST_CASE("WriteMulti with acks majority and both followers down: every write answers NOT_ENOUGH_REPLICAS with its "
          "own offset (invariant 5)",
          "[tablet]") {
  ThreeTablets c;
  CreatePartitions(c, 2, 1);
  c.tablets[1]->Stop();
  c.tablets[2]->Stop();
  v1::WriteMultiRequest req;
  *req.add_writes() = PutRequest(0, "a", "1");
  *req.add_writes() = PutRequest(1, "b", "2");
  *req.add_writes() = PutRequest(0, "c", "3");
  const v1::WriteMultiResponse resp = WriteMulti(*c.tablets[0], req);
  for (int i = 0; i < 3; ++i) {
    INFO(resp.results(i).error().message());
    CHECK(resp.results(i).error().code() == v1::NOT_ENOUGH_REPLICAS);
    CHECK_THAT(resp.results(i).error().message(),
               Catch::Contains("offset " + std::to_string(resp.results(i).offset()) + " "));
  }
  CHECK(resp.results(2).offset() == 3);
}

TEST_CASE("writes waiting for their majority block no thread and are answered by whoever settles them: a follower's "
          "answer, the leader standing down (invariant 5)",
          "[tablet]") {
  // The ack wait is an hour, so only a follower or a role change can settle these writes in the test's time.
  ThreeTablets c([](tablet::TabletServerOptions* o) { o->tablet.partition.majority_timeout = std::chrono::hours(1); });
  CreatePartitions(c, 2, 1);
  c.tablets[1]->Stop();
  c.tablets[2]->Stop();
  struct Waiting {
    v1::WriteMultiRequest req;
    v1::WriteMultiResponse resp;
    std::atomic<bool> done{false};
  };
  const auto start = [&](Waiting& w, const std::string& key) {
    *w.req.add_writes() = PutRequest(0, key, "v");
    *w.req.add_writes() = PutRequest(1, key, "v");
    c.tablets[0]->tablet().WriteMultiThen(w.req, std::chrono::steady_clock::now() + std::chrono::hours(1), &w.resp,
                                          [&w] { w.done = true; });
  };
  Waiting first;
  start(first, "a");  // returns at once: the writes are in the leader's log, waiting
  CHECK(!first.done);
  CHECK(Status(*c.tablets[0], kTid, 0).last_offset() == 2);

  c.tablets[1]->Start();  // one follower back: a majority of 3, settled by the replication stream
  REQUIRE(WaitUntil([&] { return first.done.load(); }));
  for (int i = 0; i < 2; ++i) CHECK(first.resp.results(i).error().code() == v1::OK);

  c.tablets[1]->Stop();
  Waiting second;
  start(second, "b");
  CHECK(!second.done);
  // The leader stands down (a newer term): the waiting writes are answered NOT_LEADER at once.
  REQUIRE(ChangeRole(*c.tablets[0], Spec(kTid, 0, v1::FOLLOWER, 2)).error().code() == v1::OK);
  REQUIRE(ChangeRole(*c.tablets[0], Spec(kTid, 1, v1::FOLLOWER, 2)).error().code() == v1::OK);
  REQUIRE(WaitUntil([&] { return second.done.load(); }));
  for (int i = 0; i < 2; ++i) {
    INFO(second.resp.results(i).error().message());
    CHECK(second.resp.results(i).error().code() == v1::NOT_LEADER);
  }
}

TEST_CASE("concurrent writes to several partitions share Appends to each follower and every replica ends at the same "
          "offset and checksum, also after a follower's restart (invariants 2, 5)",
          "[tablet]") {
  ThreeTablets c;
  constexpr uint32_t kPartitions = 4;
  CreatePartitions(c, kPartitions, 1);
  const auto write_concurrently = [&](int first) {
    std::vector<std::thread> threads;
    std::atomic<int> failed{0};
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&, t] {
        for (int i = first; i < first + 40; ++i) {
          if (!PutFromThread(*c.tablets[0], kTid, t % kPartitions, TestKey(t * 1000 + i), TestValue(i))) ++failed;
        }
      });
    }
    for (std::thread& th : threads) th.join();
    CHECK(failed.load() == 0);
  };
  write_concurrently(0);
  for (uint32_t pid = 0; pid < kPartitions; ++pid) c.RequireInSync(kTid, pid);
  // Shared: each follower got the 320 records in fewer calls than records,
  // and some calls carried several partitions' Appends.
  for (int f : {1, 2}) {
    const tablet::Tablet::ReplicationReceived got = c.tablets[f]->tablet().replication_received();
    std::printf("follower %d: %llu records in %llu Appends in %llu calls\n", f,
                static_cast<unsigned long long>(got.records), static_cast<unsigned long long>(got.appends),
                static_cast<unsigned long long>(got.calls));
    CHECK(got.records >= 8 * 40);
    CHECK(got.calls < got.records);
    CHECK(got.appends > got.calls);
  }

  c.tablets[2]->Stop();  // the pipe to it fails; acks majority still holds with the other follower
  write_concurrently(100);
  c.tablets[2]->Start();
  for (uint32_t pid = 0; pid < kPartitions; ++pid) {
    c.RequireInSync(kTid, pid);
    CHECK(Status(*c.tablets[0], kTid, pid).record_count() == 2 * 2 * 40);
  }
}

TEST_CASE("AppendMulti answers each partition's Append on its own: a good one, a stale term, a log mismatch "
          "(invariants 2, 3)",
          "[tablet]") {
  ThreeTablets c;
  TestTablet& follower = *c.tablets[1];
  for (uint32_t pid = 0; pid < 3; ++pid) {
    REQUIRE(CreateReplica(follower, Spec(kTid, pid, v1::FOLLOWER, 2)).code() == v1::OK);
  }
  v1::AppendMultiRequest req;
  for (uint32_t pid = 0; pid < 3; ++pid) {
    v1::AppendRequest* a = req.add_appends();
    a->mutable_partition()->set_tid(kTid);
    a->mutable_partition()->set_pid(pid);
    a->set_term(2);
    a->set_leader("leader:1");
  }
  const wal::Record noop = wal::Record::Noop(2, "term 2");
  v1::LogRecord* r = req.mutable_appends(0)->add_records();
  r->set_offset(1);
  r->set_term(2);
  r->set_type(v1::NOOP);
  r->set_payload(noop.payload);
  req.mutable_appends(1)->set_term(1);         // older than the follower's term 2
  req.mutable_appends(2)->set_prev_offset(5);  // the follower's log is empty
  req.mutable_appends(2)->set_prev_term(2);

  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  v1::AppendMultiResponse resp;
  REQUIRE(follower.stub().AppendMulti(&ctx, req, &resp).ok());
  REQUIRE(resp.results_size() == 3);
  CHECK(resp.results(0).error().code() == v1::OK);
  CHECK(resp.results(0).last_offset() == 1);
  CHECK(resp.results(0).last_term() == 2);
  CHECK(resp.results(1).error().code() == v1::STALE_TERM);
  CHECK(resp.results(1).error().current_term() == 2);
  CHECK(resp.results(2).error().code() == v1::LOG_MISMATCH);
  CHECK(resp.results(2).conflict_term() == 0);
  CHECK(resp.results(2).conflict_offset() == 1);
  CHECK(Status(follower, kTid, 1).last_offset() == 0);
}

}  // namespace kv::test
