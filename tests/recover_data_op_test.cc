// kRecoverDataOP and the recovery record in the nameserver (docs/recoverdata.md),
// with fake tablets: a partition that auto_failover leaves leaderless (one
// replica of three answers) is led again by the replica the plan names, at a
// term above every one collected; one recovery at a time; a nameserver that
// dies midway resumes the op and, once it is final, turns auto_failover back
// on; the same plan again is a resumed no-op; a leader whose log is not the
// one the plan saw fails the op as stale.
#include <catch2/catch.hpp>

#include "tests/failover_cluster.h"

using namespace kv;
using namespace kv::test;

namespace {

v1::RecoverDataRequest Plan(const std::string& plan_id, uint32_t tid, const std::string& leader, uint64_t last_term,
                            uint64_t last_offset, uint64_t min_term) {
  v1::RecoverDataRequest request;
  request.set_plan_id(plan_id);
  request.set_fingerprint("f00d");
  v1::RecoverDataPartition* p = request.add_partitions();
  p->set_table("t");
  p->set_tid(tid);
  p->set_pid(0);
  p->set_leader(leader);
  p->set_leader_last_term(last_term);
  p->set_leader_last_offset(last_offset);
  p->set_min_term(min_term);
  return request;
}

// One partition of three replicas with two tablets stopped: the failover
// fails (no majority), and kept, at (term 1, offset 5), is all that answers.
struct Leaderless {
  Leaderless() {
    tid = cluster.CreateTable("t");
    const v1::PartitionInfo before = cluster.Partition("t");
    const std::vector<std::string> followers = Followers(before);
    kept = &cluster.tablet(followers[0]);
    kept->SetLog(tid, 0, 1, 5);
    cluster.Stop(cluster.tablet(before.leader()));
    cluster.Stop(cluster.tablet(followers[1]));
    REQUIRE(cluster.WaitFinalOp("kChangeLeaderOP", "t").status() == "kFailed");
  }
  Cluster cluster{3};
  uint32_t tid = 0;
  FakeTablet* kept = nullptr;
};

std::string AutoFailover(NsClient& client) { return client.ConfGet("auto_failover").values().at("auto_failover"); }

}  // namespace

TEST_CASE("recoverdata: a minority's replica leads at a new term, one recovery at a time, a nameserver restart "
          "resumes it and restores auto_failover",
          "[failover][recover]") {
  Leaderless leaderless;
  Cluster& cluster = leaderless.cluster;
  const uint32_t tid = leaderless.tid;
  FakeTablet& kept = *leaderless.kept;

  // kept's control calls hang: the op stays in its first task.
  kept.BlockControl(true);
  const v1::SubmitOpsResponse submitted = cluster.client->RecoverData(Plan("rd-1", tid, kept.endpoint(), 1, 5, 7));
  INFO(Describe(submitted.error()));
  REQUIRE(submitted.error().code() == v1::OK);
  REQUIRE(submitted.op_ids_size() == 1);
  CHECK_FALSE(submitted.resumed());
  const uint64_t op_id = submitted.op_ids(0);
  CHECK(AutoFailover(*cluster.client) == "false");
  const v1::ShowRecoveryResponse running = cluster.client->ShowRecovery();
  REQUIRE(running.has_current());
  CHECK(running.current().plan_id() == "rd-1");
  CHECK(running.current().auto_failover_before() == "true");

  // Another plan while this one runs: refused, naming it; nothing submitted.
  const v1::SubmitOpsResponse second = cluster.client->RecoverData(Plan("rd-2", tid, kept.endpoint(), 1, 5, 7));
  CHECK(second.error().code() != v1::OK);
  CHECK_THAT(second.error().message(), Catch::Contains("rd-1"));
  // A request naming another tid is refused whole.
  const v1::SubmitOpsResponse foreign = cluster.client->RecoverData(Plan("rd-1", tid + 1, kept.endpoint(), 1, 5, 7));
  CHECK(foreign.error().code() == v1::INVALID_ARGUMENT);

  // The nameserver dies midway; the new one resumes the op from the metadata.
  cluster.RestartNameServer([&] { kept.BlockControl(false); });
  const v1::OpInfo done = cluster.WaitOp(op_id);
  INFO(done.error());
  REQUIRE(done.status() == "kDone");
  const v1::PartitionInfo after = cluster.Partition("t");
  CHECK(after.leader() == kept.endpoint());
  CHECK(after.term() > 7);  // above every term the plan collected, not just the metadata's
  CHECK(kept.held(tid, 0).role() == v1::LEADER);
  CHECK(kept.held(tid, 0).term() == after.term());
  CHECK(AliveOn(after, kept.endpoint()));
  // Every op final: auto_failover as it was, the record among the finished.
  REQUIRE(Eventually([&] { return AutoFailover(*cluster.client) == "true"; }, 20s));
  const v1::ShowRecoveryResponse finished = cluster.client->ShowRecovery("rd-1");
  CHECK_FALSE(finished.has_current());
  REQUIRE(finished.has_finished());
  CHECK(finished.finished().finished_ms() >= finished.finished().started_ms());

  // The same plan again: its op covers the partition, nothing new.
  const v1::SubmitOpsResponse again = cluster.client->RecoverData(Plan("rd-1", tid, kept.endpoint(), 1, 5, 7));
  REQUIRE(again.error().code() == v1::OK);
  CHECK(again.resumed());
  REQUIRE(again.op_ids_size() == 1);
  CHECK(again.op_ids(0) == op_id);
}

TEST_CASE("recoverdata: a leader whose log is not the one the plan saw fails the op as stale", "[failover][recover]") {
  Leaderless leaderless;
  Cluster& cluster = leaderless.cluster;
  const uint32_t tid = leaderless.tid;
  FakeTablet& kept = *leaderless.kept;

  // The plan saw offset 9: the replica now holds 5.
  const v1::SubmitOpsResponse submitted = cluster.client->RecoverData(Plan("rd-s", tid, kept.endpoint(), 1, 9, 1));
  REQUIRE(submitted.error().code() == v1::OK);
  const v1::OpInfo failed = cluster.WaitOp(submitted.op_ids(0));
  CHECK(failed.status() == "kFailed");
  CHECK_THAT(failed.error(), Catch::Contains("stale"));
  CHECK(cluster.Partition("t").leader().empty());
  CHECK(kept.held(tid, 0).role() != v1::LEADER);
  // Still auto_failover back on once the op is final.
  REQUIRE(Eventually([&] { return AutoFailover(*cluster.client) == "true"; }, 20s));
}
