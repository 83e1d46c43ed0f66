// Failover, recovery and the op commands of the nameserver (issue 5), in
// process over gRPC with fake tablets (nameserver_fake_tablet.h): a fake
// whose heartbeats are paused and whose control calls are blocked is what a
// SIGSTOPped tablet looks like from the nameserver.
#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <memory>
#include <nlohmann/json.hpp>

#include "cluster/nameserver/leader_choice.h"
#include "tests/failover_cluster.h"
#include "tests/nameserver_test_util.h"
#include "tests/test_util.h"
#include "tests/zk_server.h"

using namespace kv;
using namespace kv::test;
using namespace std::chrono_literals;


TEST_CASE("leader choice: a newer last term beats a longer log and a tie goes to the longer (invariant 6)") {
  using ns::ChooseLeader;
  const std::vector<ns::ReplicaPosition> logs = {{"a", 1, 20}, {"b", 2, 12}, {"c", 2, 9}};
  CHECK(*ChooseLeader(logs, {}, std::nullopt) == "b");
  CHECK(*ChooseLeader({{"a", 3, 5}, {"b", 3, 6}}, {}, std::nullopt) == "b");
  CHECK(*ChooseLeader({{"a", 3, 6}, {"b", 3, 6}}, {}, "a") == "a");  // not behind: allowed
  // A candidate behind another answer would cut its records.
  Result<std::string> behind = ChooseLeader(logs, {}, "a");
  CHECK(behind.status().IsInvalidArgument());
  CHECK(behind.status().message().find("a (last term 1, last offset 20) is behind b (last term 2, last offset 12)") !=
        std::string::npos);
  CHECK(ChooseLeader(logs, {}, "z").status().IsNotFound());
  // Excluded replicas never lead, and one ahead of every other is not cut either.
  CHECK(*ChooseLeader({{"a", 2, 12}, {"b", 2, 12}}, {"a"}, std::nullopt) == "b");
  CHECK(ChooseLeader(logs, {"b"}, std::nullopt).status().IsInvalidArgument());
  CHECK(ChooseLeader({{"a", 1, 1}}, {"a"}, std::nullopt).status().IsNotFound());
}

TEST_CASE("leader choice never picks a replica that cannot write, but counts its log (invariant 6)") {
  using ns::ChooseLeader;
  // The stopped replica holds the greatest log: a tie still goes to one that can write.
  CHECK(*ChooseLeader({{"a", 2, 12, /*can_write=*/false}, {"b", 2, 12}, {"c", 2, 11}}, {}, std::nullopt) == "b");
  // Ahead of every replica that can write: nobody leads rather than lose its records.
  CHECK(ChooseLeader({{"a", 2, 13, false}, {"b", 2, 12}}, {}, std::nullopt).status().IsInvalidArgument());
  // Named as the candidate: refused, saying why.
  Result<std::string> candidate = ChooseLeader({{"a", 2, 12, false}, {"b", 2, 12}}, {}, "a");
  CHECK(candidate.status().code() == Status::Code::kFailedPrecondition);
  CHECK_THAT(candidate.status().message(), Catch::Contains("cannot write"));
  CHECK(ChooseLeader({{"a", 2, 12, false}}, {}, std::nullopt).status().IsNotFound());
  CHECK(ns::CanWrite(v1::TABLE_NORMAL));
  CHECK(ns::CanWrite(v1::REPLICA_STATE_UNSPECIFIED));  // an older tablet
  CHECK_FALSE(ns::CanWrite(v1::TABLE_WRITE_STOPPED));
  CHECK_FALSE(ns::CanWrite(v1::TABLE_OPEN_FAILED));
}

TEST_CASE(
    "failover: the live replica with the greatest last term then last offset leads at a new persisted term (invariant "
    "6)") {
  Cluster cluster(3);
  const uint32_t tid = cluster.CreateTable("t");
  const v1::PartitionInfo before = cluster.Partition("t");
  REQUIRE(before.term() == 1);
  const std::vector<std::string> followers = Followers(before);
  FakeTablet& old_leader = cluster.tablet(before.leader());
  FakeTablet& longer = cluster.tablet(followers[0]);
  FakeTablet& newer = cluster.tablet(followers[1]);
  // The longer log ends in an older term: the newer last term must win.
  longer.SetLog(tid, 0, 1, 20);
  newer.SetLog(tid, 0, 2, 12);

  cluster.Stop(old_leader);
  REQUIRE(Eventually([&] { return cluster.Partition("t").leader() == newer.endpoint(); }, 10s));
  const v1::PartitionInfo after = cluster.Partition("t");
  CHECK(after.term() == 2);
  CHECK_FALSE(AliveOn(after, old_leader.endpoint()));
  CHECK(AliveOn(after, newer.endpoint()));
  // Told: the new leader leads at term 2 with the other live replica as its
  // follower; that one follows at term 2 (fenced against the old leader).
  CHECK(newer.held(tid, 0).role() == v1::LEADER);
  CHECK(newer.held(tid, 0).term() == 2);
  CHECK(longer.held(tid, 0).role() == v1::FOLLOWER);
  CHECK(longer.held(tid, 0).term() == 2);
  const std::vector<v1::ReplicaSpec> changes = newer.role_changes();
  REQUIRE_FALSE(changes.empty());
  CHECK(changes.back().role() == v1::LEADER);
  CHECK(std::vector<std::string>(changes.back().followers().begin(), changes.back().followers().end()) ==
        std::vector<std::string>{longer.endpoint()});

  // The op, listed with its tasks and what they decided.
  const v1::OpInfo op = cluster.WaitFinalOp("kChangeLeaderOP", "t");
  CHECK(op.status() == "kDone");
  CHECK(op.pid() == 0);
  REQUIRE(op.tasks_size() == 4);
  for (const v1::OpTaskInfo& task : op.tasks()) CHECK(task.status() == "kDone");
  CHECK(op.tasks(0).type() == "kAllocateTerm");
  CHECK(op.tasks(1).type() == "kSelectLeader");
  const nlohmann::json params = nlohmann::json::parse(op.params_json());
  CHECK(params.at("term") == 2);
  CHECK(params.at("leader") == newer.endpoint());
  CHECK(params.at("trigger") == "auto_failover");

  // Persisted: a nameserver reopened on the data dir has the new term and leader.
  cluster.ns.reset();
  auto reopened = StartNameServer(cluster.options);
  NsClient client(reopened->endpoint());
  REQUIRE(Eventually([&] { return reopened->IsActive(); }, 5s));
  const v1::ShowTableResponse shown = client.ShowTable("t");
  REQUIRE(shown.error().code() == v1::OK);
  CHECK(shown.tables(0).partitions(0).term() == 2);
  CHECK(shown.tables(0).partitions(0).leader() == newer.endpoint());
}

TEST_CASE("failover: without a majority of replicas the partition stays leaderless until one is back") {
  Cluster cluster(3);
  const uint32_t tid = cluster.CreateTable("t");
  const v1::PartitionInfo before = cluster.Partition("t");
  const std::vector<std::string> followers = Followers(before);
  FakeTablet& leader = cluster.tablet(before.leader());
  FakeTablet& lost = cluster.tablet(followers[0]);
  FakeTablet& kept = cluster.tablet(followers[1]);
  lost.SetLog(tid, 0, 1, 9);
  kept.SetLog(tid, 0, 1, 5);

  cluster.Stop(lost);
  cluster.Stop(leader);
  const v1::OpInfo failed = cluster.WaitFinalOp("kChangeLeaderOP", "t");
  CHECK(failed.status() == "kFailed");
  CHECK(failed.error().find("a majority (2) is needed") != std::string::npos);
  CHECK(failed.error().find("stays leaderless") != std::string::npos);
  CHECK(cluster.Partition("t").leader().empty());
  CHECK(kept.held(tid, 0).role() != v1::LEADER);

  // One more replica back: a majority again; the one with the longer log leads.
  cluster.Cont(lost);
  REQUIRE(Eventually([&] { return cluster.Partition("t").leader() == lost.endpoint(); }, 15s));
  CHECK(lost.held(tid, 0).role() == v1::LEADER);
  CHECK(cluster.Partition("t").term() > 1);
}

TEST_CASE("failover: auto_failover false submits no op") {
  Cluster cluster(3);
  cluster.CreateTable("t");
  REQUIRE(cluster.client->ConfSet("auto_failover", "false").error().code() == v1::OK);
  const v1::PartitionInfo before = cluster.Partition("t");
  FakeTablet& leader = cluster.tablet(before.leader());
  FakeTablet& other = cluster.tablet(Followers(before)[0]);
  cluster.Stop(leader);
  REQUIRE(Eventually([&] { return cluster.TabletState(leader.endpoint()) == "kTabletOffline"; }, 5s));
  // Many detector rounds later (each heartbeat interval runs one), still nothing.
  const uint64_t later = other.heartbeats() + 20;
  REQUIRE(Eventually([&] { return other.heartbeats() >= later; }, 10s));
  CHECK(cluster.Ops().empty());
  CHECK(cluster.Partition("t").leader() == before.leader());
  CHECK(cluster.Partition("t").term() == 1);

  // Turned on again: the partition gets its leader.
  REQUIRE(cluster.client->ConfSet("auto_failover", "true").error().code() == v1::OK);
  REQUIRE(Eventually([&] { return cluster.Partition("t").term() == 2; }, 10s));
  CHECK(cluster.Partition("t").leader() != leader.endpoint());
}

TEST_CASE(
    "changeleader: refuses a candidate that is behind and unknown names and moves the leadership safely (invariant "
    "6)") {
  Cluster cluster(3);
  const uint32_t tid = cluster.CreateTable("t");
  const v1::PartitionInfo before = cluster.Partition("t");
  const std::vector<std::string> followers = Followers(before);
  FakeTablet& leader = cluster.tablet(before.leader());
  FakeTablet& behind = cluster.tablet(followers[0]);
  FakeTablet& caught_up = cluster.tablet(followers[1]);
  leader.SetLog(tid, 0, 1, 10);
  caught_up.SetLog(tid, 0, 1, 10);
  behind.SetLog(tid, 0, 1, 7);
  // The nameserver knows offsets from heartbeats.
  REQUIRE(Eventually(
      [&] {
        const v1::PartitionInfo p = cluster.Partition("t");
        return std::all_of(p.replicas().begin(), p.replicas().end(),
                           [](const v1::ReplicaInfo& r) { return r.offset() > 0; });
      },
      5s));

  const v1::SubmitOpsResponse refused = cluster.client->ChangeLeader("t", 0, behind.endpoint());
  CHECK(refused.error().code() == v1::FAILED_PRECONDITION);
  CHECK(refused.error().message().find(behind.endpoint() + " (last term 1, last offset 7) is behind") !=
        std::string::npos);
  CHECK(cluster.client->ChangeLeader("nope", 0).error().code() == v1::NOT_FOUND);
  CHECK(cluster.client->ChangeLeader("t", 5).error().code() == v1::NOT_FOUND);
  CHECK(cluster.client->ChangeLeader("t", 0, "127.0.0.1:1").error().code() == v1::NOT_FOUND);
  CHECK(cluster.Ops().empty());
  CHECK(cluster.Partition("t").term() == 1);

  const v1::SubmitOpsResponse moved = cluster.client->ChangeLeader("t", 0, caught_up.endpoint());
  INFO(Describe(moved.error()));
  REQUIRE(moved.error().code() == v1::OK);
  REQUIRE(moved.op_ids_size() == 1);
  const v1::OpInfo op = cluster.WaitOp(moved.op_ids(0));
  INFO(op.error());
  CHECK(op.status() == "kDone");
  const v1::PartitionInfo after = cluster.Partition("t");
  CHECK(after.leader() == caught_up.endpoint());
  CHECK(after.term() == 2);
  // The old leader follows at the new term and stays alive.
  CHECK(leader.held(tid, 0).role() == v1::FOLLOWER);
  CHECK(leader.held(tid, 0).term() == 2);
  CHECK(AliveOn(after, leader.endpoint()));
}

TEST_CASE("showopstatus and cancelop: a running op with its tasks and one op per partition") {
  Cluster cluster(3);
  cluster.CreateTable("t");
  cluster.CreateTable("u");
  // Two of three replicas do not answer: kSelectLeader keeps retrying.
  const v1::PartitionInfo before = cluster.Partition("t");
  std::vector<FakeTablet*> blocked;
  for (const std::string& f : Followers(before)) blocked.push_back(&cluster.tablet(f));
  for (FakeTablet* t : blocked) t->BlockControl(true);

  const v1::SubmitOpsResponse first = cluster.client->ChangeLeader("t", 0);
  REQUIRE(first.error().code() == v1::OK);
  const uint64_t id = first.op_ids(0);
  REQUIRE(Eventually(
      [&] {
        const std::vector<v1::OpInfo> ops = cluster.Ops("t");
        return ops.size() == 1 && ops[0].current_task() == "kSelectLeader";
      },
      5s));
  v1::OpInfo running = cluster.Ops("t")[0];
  CHECK(running.id() == id);
  CHECK(running.status() == "kDoing");
  CHECK(running.type() == "kChangeLeaderOP");
  REQUIRE(running.tasks_size() == 4);
  CHECK(running.tasks(0).status() == "kDone");
  CHECK(running.tasks(1).status() == "kDoing");
  CHECK(running.tasks(2).status() == "kInited");
  CHECK(cluster.Ops("u").empty());
  const v1::ShowOpStatusResponse by_pid = cluster.client->ShowOpStatus("t", 0);
  CHECK(by_pid.ops_size() == 1);
  CHECK(cluster.client->ShowOpStatus("t", 1).ops_size() == 0);
  CHECK(cluster.client->ShowOpStatus("nope").error().code() == v1::NOT_FOUND);

  // One unfinished op per partition: the second is refused, naming the first.
  const v1::SubmitOpsResponse second = cluster.client->ChangeLeader("t", 0);
  CHECK(second.error().code() == v1::FAILED_PRECONDITION);
  CHECK(second.error().message().find("cancelop " + std::to_string(id)) != std::string::npos);

  REQUIRE(cluster.client->CancelOp(id).error().code() == v1::OK);
  for (FakeTablet* t : blocked) t->BlockControl(false);
  const v1::OpInfo canceled = cluster.WaitOp(id);
  CHECK(canceled.status() == "kCanceled");
  CHECK(canceled.tasks(2).status() == "kInited");  // no later task started
  CHECK(cluster.client->CancelOp(id).error().code() == v1::FAILED_PRECONDITION);
  CHECK(cluster.client->CancelOp(9999).error().code() == v1::NOT_FOUND);
}

TEST_CASE("restart in the middle of an op: a new nameserver on the same store completes it (invariant 9)") {
  Cluster cluster(3);
  const uint32_t tid = cluster.CreateTable("t");
  const v1::PartitionInfo before = cluster.Partition("t");
  FakeTablet& candidate = cluster.tablet(Followers(before)[0]);
  candidate.BlockControl(true);
  const v1::SubmitOpsResponse submitted = cluster.client->ChangeLeader("t", 0, candidate.endpoint());
  REQUIRE(submitted.error().code() == v1::OK);
  const uint64_t id = submitted.op_ids(0);
  REQUIRE(Eventually([&] { return cluster.Ops("t").at(0).current_task() == "kSelectLeader"; }, 5s));

  // The nameserver goes away with the task blocked on a tablet call.
  cluster.RestartNameServer([&] { candidate.BlockControl(false); });
  const v1::OpInfo done = cluster.WaitOp(id);
  INFO(done.error());
  CHECK(done.status() == "kDone");
  CHECK(done.tasks(0).attempts() == 1);  // kAllocateTerm was recorded done: not run again
  CHECK(done.tasks(1).attempts() >= 2);  // kSelectLeader ran again after the restart
  const v1::PartitionInfo after = cluster.Partition("t");
  CHECK(after.leader() == candidate.endpoint());
  CHECK(after.term() == 2);
  CHECK(candidate.held(tid, 0).role() == v1::LEADER);
}

TEST_CASE("recovery: a tablet that comes back follows the leader and is alive once caught up") {
  Cluster cluster(3);
  const uint32_t tid = cluster.CreateTable("t");
  const v1::PartitionInfo before = cluster.Partition("t");
  FakeTablet& old_leader = cluster.tablet(before.leader());
  cluster.Stop(old_leader);
  REQUIRE(
      Eventually([&] { return cluster.Partition("t").term() == 2 && !cluster.Partition("t").leader().empty(); }, 10s));
  FakeTablet& new_leader = cluster.tablet(cluster.Partition("t").leader());
  new_leader.SetLog(tid, 0, 2, 30);

  SECTION("caught up: is_alive yes") {
    new_leader.SetFollowerProgress(tid, 0, old_leader.endpoint(), 12, false);
    cluster.Cont(old_leader);
    // It follows at the current term, and the leader (same term) lists it again.
    REQUIRE(Eventually([&] { return old_leader.held(tid, 0).role() == v1::FOLLOWER; }, 10s));
    CHECK(old_leader.held(tid, 0).term() == 2);
    REQUIRE(Eventually(
        [&] {
          const std::vector<v1::ReplicaSpec> changes = new_leader.role_changes();
          const auto& f = changes.back().followers();
          return changes.back().term() == 2 && std::find(f.begin(), f.end(), old_leader.endpoint()) != f.end();
        },
        10s));
    // Not alive while behind the leader's last offset (30).
    const uint64_t later = new_leader.heartbeats() + 5;
    REQUIRE(Eventually([&] { return new_leader.heartbeats() >= later; }, 5s));
    CHECK_FALSE(AliveOn(cluster.Partition("t"), old_leader.endpoint()));
    new_leader.SetFollowerProgress(tid, 0, old_leader.endpoint(), 30, false);
    REQUIRE(Eventually([&] { return AliveOn(cluster.Partition("t"), old_leader.endpoint()); }, 10s));
    const v1::OpInfo op = cluster.WaitFinalOp("kRecoverTableOP", "t");
    CHECK(op.status() == "kDone");
    CHECK(nlohmann::json::parse(op.params_json()).at("target_offset") == 30);
    CHECK(cluster.Partition("t").leader() == new_leader.endpoint());
  }
  SECTION("needs a snapshot: the op waits while the leader sends it, and is done once the follower caught up") {
    new_leader.SetFollowerProgress(tid, 0, old_leader.endpoint(), 0, true);
    cluster.Cont(old_leader);
    // The op reaches kWaitCatchUp and stays there while the snapshot is "sent".
    REQUIRE(Eventually(
        [&] {
          for (const v1::OpInfo& op : cluster.Ops("t")) {
            if (op.type() == "kRecoverTableOP" && op.current_task() == "kWaitCatchUp") return true;
          }
          return false;
        },
        10s));
    const uint64_t later = new_leader.heartbeats() + 5;
    REQUIRE(Eventually([&] { return new_leader.heartbeats() >= later; }, 5s));
    CHECK_FALSE(cluster.FinalOp("kRecoverTableOP", "t").has_value());
    CHECK_FALSE(AliveOn(cluster.Partition("t"), old_leader.endpoint()));
    // The snapshot installed, the follower caught up from the WAL.
    new_leader.SetFollowerProgress(tid, 0, old_leader.endpoint(), 30, false);
    const v1::OpInfo op = cluster.WaitFinalOp("kRecoverTableOP", "t");
    INFO(op.error());
    CHECK(op.status() == "kDone");
    CHECK(AliveOn(cluster.Partition("t"), old_leader.endpoint()));
  }
}

namespace {

// Table t's leader is stopped until a failover names another, then comes
// back stuck at match offset 12 of the new leader's 30: its recovery cannot
// catch up. Returns the old and the new leader.
std::pair<FakeTablet&, FakeTablet&> StuckRecovery(Cluster& cluster, uint32_t tid) {
  FakeTablet& old_leader = cluster.tablet(cluster.Partition("t").leader());
  cluster.Stop(old_leader);
  REQUIRE(
      Eventually([&] { return cluster.Partition("t").term() == 2 && !cluster.Partition("t").leader().empty(); }, 10s));
  FakeTablet& new_leader = cluster.tablet(cluster.Partition("t").leader());
  new_leader.SetLog(tid, 0, 2, 30);
  new_leader.SetFollowerProgress(tid, 0, old_leader.endpoint(), 12, false);
  cluster.Cont(old_leader);
  return {old_leader, new_leader};
}

}  // namespace

TEST_CASE("recovery: a tablet that never catches up fails the op once every attempt's catch-up timeout ran out, "
          "and stays not alive") {
  Cluster cluster(3, [](ns::NameServerOptions& o) { o.timing.catch_up_timeout = 200ms; });
  const uint32_t tid = cluster.CreateTable("t");
  auto [old_leader, new_leader] = StuckRecovery(cluster, tid);
  const v1::OpInfo op = cluster.WaitFinalOp("kRecoverTableOP", "t");
  INFO(op.error());
  CHECK(op.status() == "kFailed");
  CHECK_THAT(op.error(), Catch::Contains("has not caught up with " + new_leader.endpoint() + " in 200 ms") &&
                             Catch::Contains("match offset 12 of 30"));
  CHECK_FALSE(AliveOn(cluster.Partition("t"), old_leader.endpoint()));
  CHECK(cluster.Partition("t").leader() == new_leader.endpoint());
}

TEST_CASE("recovery: a recovery that failed is submitted again by the repair sweep once the follower can catch up") {
  Cluster cluster(3, [](ns::NameServerOptions& o) {
    o.timing.catch_up_timeout = 200ms;
    o.timing.repair_sweep_interval = 500ms;
  });
  const uint32_t tid = cluster.CreateTable("t");
  auto [old_leader, new_leader] = StuckRecovery(cluster, tid);
  REQUIRE(cluster.WaitFinalOp("kRecoverTableOP", "t").status() == "kFailed");
  // Nothing changes on the tablets' side: no state change, no heartbeat news.
  // Only the sweep can bring the replica back once it catches up.
  new_leader.SetFollowerProgress(tid, 0, old_leader.endpoint(), 30, false);
  REQUIRE(Eventually([&] { return AliveOn(cluster.Partition("t"), old_leader.endpoint()); }, 20s));
  const std::vector<v1::OpInfo> ops = cluster.Ops("t");
  CHECK(std::count_if(ops.begin(), ops.end(), [](const v1::OpInfo& op) {
          return op.type() == "kRecoverTableOP" && op.status() == "kDone";
        }) == 1);
  CHECK(cluster.Partition("t").leader() == new_leader.endpoint());
}

TEST_CASE("recovertable and updatetablealive: refusals and the metadata change") {
  Cluster cluster(3);
  cluster.CreateTable("t");
  REQUIRE(cluster.client->ConfSet("auto_failover", "false").error().code() == v1::OK);
  const v1::PartitionInfo before = cluster.Partition("t");
  FakeTablet& follower = cluster.tablet(Followers(before)[0]);
  CHECK(cluster.client->RecoverTable("t", 0, before.leader()).error().code() == v1::FAILED_PRECONDITION);
  CHECK(cluster.client->RecoverTable("t", 0, "127.0.0.1:1").error().code() == v1::NOT_FOUND);
  CHECK(cluster.client->RecoverTable("t", 3, follower.endpoint()).error().code() == v1::NOT_FOUND);
  CHECK(cluster.client->UpdateTableAlive("t", 0, "127.0.0.1:1", false).error().code() == v1::NOT_FOUND);

  const v1::SubmitOpsResponse down = cluster.client->UpdateTableAlive("t", std::nullopt, follower.endpoint(), false);
  REQUIRE(down.error().code() == v1::OK);
  CHECK(cluster.WaitOp(down.op_ids(0)).type() == "kUpdateTableAliveOP");
  CHECK_FALSE(AliveOn(cluster.Partition("t"), follower.endpoint()));

  // Recovering onto a dead endpoint is refused.
  cluster.Stop(follower);
  REQUIRE(Eventually([&] { return cluster.TabletState(follower.endpoint()) == "kTabletOffline"; }, 5s));
  const v1::SubmitOpsResponse dead = cluster.client->RecoverTable("t", 0, follower.endpoint());
  CHECK(dead.error().code() == v1::FAILED_PRECONDITION);
  CHECK(dead.error().message().find("not a healthy tablet") != std::string::npos);
  cluster.Cont(follower);
  REQUIRE(Eventually([&] { return cluster.TabletState(follower.endpoint()) == "kTabletHealthy"; }, 5s));
  const v1::SubmitOpsResponse back = cluster.client->RecoverTable("t", 0, follower.endpoint());
  REQUIRE(back.error().code() == v1::OK);
  CHECK(cluster.WaitOp(back.op_ids(0)).status() == "kDone");
  CHECK(AliveOn(cluster.Partition("t"), follower.endpoint()));
}

TEST_CASE("offlineendpoint and recoverendpoint: leadership moves off and the replicas come back") {
  Cluster cluster(3);
  v1::CreateTableResponse created = cluster.client->CreateTable("t", 3, 3);
  REQUIRE(created.error().code() == v1::OK);
  const std::string target = cluster.Partition("t", 0).leader();
  CHECK(cluster.client->OfflineEndpoint("127.0.0.1:1").error().code() == v1::NOT_FOUND);

  const v1::SubmitOpsResponse off = cluster.client->OfflineEndpoint(target);
  REQUIRE(off.error().code() == v1::OK);
  CHECK(off.op_ids_size() == 3);
  CHECK(off.refused_size() == 0);
  for (uint64_t id : off.op_ids()) CHECK(cluster.WaitOp(id).status() == "kDone");
  for (uint32_t pid = 0; pid < 3; ++pid) {
    const v1::PartitionInfo p = cluster.Partition("t", pid);
    CHECK(p.leader() != target);
    CHECK_FALSE(AliveOn(p, target));
  }
  // auto_failover leaves replicas taken out on purpose alone.
  const size_t ops_after_offline = cluster.Ops().size();
  FakeTablet& other = cluster.tablet(cluster.Partition("t", 0).leader());
  const uint64_t later = other.heartbeats() + 10;
  REQUIRE(Eventually([&] { return other.heartbeats() >= later; }, 5s));
  CHECK(cluster.Ops().size() == ops_after_offline);

  // The mark is persisted: a restarted nameserver leaves them alone too, and
  // places nothing new there.
  cluster.RestartNameServer([] {});
  const uint64_t after_restart = other.heartbeats() + 10;
  REQUIRE(Eventually([&] { return other.heartbeats() >= after_restart; }, 5s));
  CHECK(cluster.Ops().size() == ops_after_offline);
  const v1::ShowTabletResponse tablets = cluster.client->ShowTablet();
  for (const v1::TabletInfo& t : tablets.tablets()) CHECK(t.taken_offline() == (t.endpoint() == target));
  const v1::CreateTableResponse two = cluster.client->CreateTable("two", 2, 2);
  REQUIRE(two.error().code() == v1::OK);
  for (uint32_t pid = 0; pid < 2; ++pid) {
    const v1::PartitionInfo p = cluster.Partition("two", pid);
    CHECK(p.replicas_size() == 2);
    for (const v1::ReplicaInfo& r : p.replicas()) CHECK(r.endpoint() != target);
  }

  const v1::SubmitOpsResponse back = cluster.client->RecoverEndpoint(target);
  REQUIRE(back.error().code() == v1::OK);
  CHECK(back.op_ids_size() == 3);
  for (uint64_t id : back.op_ids()) CHECK(cluster.WaitOp(id).type() == "kRecoverTableOP");
  for (uint32_t pid = 0; pid < 3; ++pid) CHECK(AliveOn(cluster.Partition("t", pid), target));
}

// Issue 18: a tablet restarted faster than failure detection (kill -9 and
// start again, systemd's Restart=always) registers with a new incarnation;
// its replicas came back without a role, so the nameserver handles it as a
// tablet that went down and came back.
TEST_CASE("quick restart: a leader's tablet back as a new incarnation gets its partition a leader at a new term, "
          "and its replica recovered (invariant 6)") {
  Cluster cluster(3);
  const uint32_t tid = cluster.CreateTable("t");
  const v1::PartitionInfo before = cluster.Partition("t");
  FakeTablet& restarted = cluster.tablet(before.leader());
  for (const auto& t : cluster.tablets) t->SetLog(tid, 0, 1, 10);

  restarted.Restart();
  REQUIRE(Eventually(
      [&] {
        const v1::PartitionInfo p = cluster.Partition("t");
        return p.term() > before.term() && !p.leader().empty() &&
               std::all_of(p.replicas().begin(), p.replicas().end(), [](const auto& r) { return r.is_alive(); });
      },
      10s));
  const v1::PartitionInfo after = cluster.Partition("t");
  CHECK(cluster.TabletState(restarted.endpoint()) == "kTabletHealthy");
  // Every replica holds the role and term the metadata says, the restarted one too.
  for (const auto& t : cluster.tablets) {
    const v1::ReplicaStatus held = t->held(tid, 0);
    CHECK(held.role() == (t->endpoint() == after.leader() ? v1::LEADER : v1::FOLLOWER));
    CHECK(held.term() == after.term());
  }
  const v1::OpInfo failover = cluster.WaitFinalOp("kChangeLeaderOP", "t");
  CHECK(failover.status() == "kDone");
  CHECK(nlohmann::json::parse(failover.params_json()).at("trigger") == "auto_failover");
  // The leader only gets a lease at the new term.
  REQUIRE(Eventually(
      [&] { return cluster.tablet(after.leader()).leased_partitions(after.term()).size() == 1; }, 5s));
}

TEST_CASE("quick restart: a follower's tablet is recovered and the leader stays, at its term") {
  Cluster cluster(3);
  const uint32_t tid = cluster.CreateTable("t");
  const v1::PartitionInfo before = cluster.Partition("t");
  FakeTablet& restarted = cluster.tablet(Followers(before)[0]);

  restarted.Restart();
  const v1::OpInfo recovery = cluster.WaitFinalOp("kRecoverTableOP", "t");
  CHECK(recovery.status() == "kDone");
  CHECK(nlohmann::json::parse(recovery.params_json()).at("endpoint") == restarted.endpoint());
  CHECK(restarted.held(tid, 0).role() == v1::FOLLOWER);
  const v1::PartitionInfo after = cluster.Partition("t");
  CHECK(after.leader() == before.leader());
  CHECK(after.term() == before.term());
  CHECK(AliveOn(after, restarted.endpoint()));
  for (const v1::OpInfo& op : cluster.Ops("t")) CHECK(op.type() != "kChangeLeaderOP");
}

TEST_CASE("quick restart: two of three tablets at once, then the nameserver: every partition leads again") {
  Cluster cluster(3);
  const v1::CreateTableResponse created = cluster.client->CreateTable("t", 3, 3);
  REQUIRE(created.error().code() == v1::OK);
  const uint32_t tid = created.table().tid();
  // Every partition has a live leader, and every replica is alive and holds a role.
  const auto all_led_and_alive = [&] {
    for (uint32_t pid = 0; pid < 3; ++pid) {
      const v1::PartitionInfo p = cluster.Partition("t", pid);
      if (p.leader().empty() || !AliveOn(p, p.leader())) return false;
      for (const v1::ReplicaInfo& r : p.replicas()) {
        if (!r.is_alive() || cluster.tablet(r.endpoint()).held(tid, pid).role() == v1::ROLE_UNKNOWN) {
          return false;
        }
      }
    }
    return true;
  };
  // Both restarted before any op starts (auto_failover off meanwhile): a
  // recovery op already running when its leader's tablet restarts is another
  // case (the op fails and nothing asks for the failover again).
  REQUIRE(cluster.client->ConfSet("auto_failover", "false").error().code() == v1::OK);
  cluster.tablets[0]->Restart();
  cluster.tablets[1]->Restart();
  REQUIRE(Eventually(
      [&] {
        for (uint32_t pid = 0; pid < 3; ++pid) {
          const v1::PartitionInfo p = cluster.Partition("t", pid);
          if (AliveOn(p, cluster.tablets[0]->endpoint()) || AliveOn(p, cluster.tablets[1]->endpoint())) return false;
        }
        return true;
      },
      10s));
  REQUIRE(cluster.client->ConfSet("auto_failover", "true").error().code() == v1::OK);
  REQUIRE(Eventually(all_led_and_alive, 15s));

  // A quick restart of the nameserver alone: the incarnations it persisted
  // match, so it changes nothing.
  const size_t ops_before = cluster.Ops().size();
  cluster.RestartNameServer([] {});
  const uint64_t later = cluster.tablets[2]->heartbeats() + 20;
  REQUIRE(Eventually([&] { return cluster.tablets[2]->heartbeats() >= later; }, 10s));
  CHECK(cluster.Ops().size() == ops_before);
  CHECK(all_led_and_alive());

  // A tablet restarted while the nameserver was down is recognised by the
  // incarnation persisted before.
  cluster.RestartNameServer([&] { cluster.tablets[2]->Restart(); });
  REQUIRE(Eventually(
      [&] {
        const v1::ShowOpStatusResponse shown = cluster.client->ShowOpStatus();  // BUSY while it resumes its ops
        return shown.error().code() == v1::OK && static_cast<size_t>(shown.ops_size()) > ops_before;
      },
      10s));
  REQUIRE(Eventually(all_led_and_alive, 15s));
}

TEST_CASE("quick restart: auto_failover off submits nothing, and recoverendpoint brings the tablet back") {
  Cluster cluster(3);
  const uint32_t tid = cluster.CreateTable("t");
  REQUIRE(cluster.client->ConfSet("auto_failover", "false").error().code() == v1::OK);
  const v1::PartitionInfo before = cluster.Partition("t");
  FakeTablet& restarted = cluster.tablet(before.leader());
  FakeTablet& other = cluster.tablet(Followers(before)[0]);

  restarted.Restart();
  // Shown as it is: the leader's replica not alive, so an operator sees what to fix.
  REQUIRE(Eventually([&] { return !AliveOn(cluster.Partition("t"), restarted.endpoint()); }, 5s));
  const uint64_t later = other.heartbeats() + 20;
  REQUIRE(Eventually([&] { return other.heartbeats() >= later; }, 10s));
  CHECK(cluster.Ops().empty());
  CHECK(cluster.TabletState(restarted.endpoint()) == "kTabletHealthy");

  const v1::SubmitOpsResponse back = cluster.client->RecoverEndpoint(restarted.endpoint());
  REQUIRE(back.error().code() == v1::OK);
  REQUIRE(back.op_ids_size() == 1);
  CHECK(cluster.WaitOp(back.op_ids(0)).status() == "kDone");
  const v1::PartitionInfo led = cluster.Partition("t");
  REQUIRE_FALSE(led.leader().empty());
  CHECK(led.term() > before.term());
  CHECK(cluster.tablet(led.leader()).held(tid, 0).role() == v1::LEADER);
  if (!AliveOn(led, restarted.endpoint())) {
    const v1::SubmitOpsResponse recovered = cluster.client->RecoverEndpoint(restarted.endpoint());
    REQUIRE(recovered.error().code() == v1::OK);
    for (uint64_t id : recovered.op_ids()) CHECK(cluster.WaitOp(id).status() == "kDone");
  }
  CHECK(AliveOn(cluster.Partition("t"), restarted.endpoint()));
}

TEST_CASE("quick restart: a tablet taken out by offlineendpoint stays out") {
  Cluster cluster(3);
  cluster.CreateTable("t");
  const std::string target = cluster.Partition("t").leader();
  const v1::SubmitOpsResponse off = cluster.client->OfflineEndpoint(target);
  REQUIRE(off.error().code() == v1::OK);
  for (uint64_t id : off.op_ids()) REQUIRE(cluster.WaitOp(id).status() == "kDone");
  const v1::PartitionInfo before = cluster.Partition("t");
  const size_t ops_before = cluster.Ops().size();

  cluster.tablet(target).Restart();
  FakeTablet& other = cluster.tablet(before.leader());
  const uint64_t later = other.heartbeats() + 20;
  REQUIRE(Eventually([&] { return other.heartbeats() >= later; }, 10s));
  CHECK(cluster.Ops().size() == ops_before);
  const v1::PartitionInfo after = cluster.Partition("t");
  CHECK(after.leader() == before.leader());
  CHECK(after.term() == before.term());
  CHECK_FALSE(AliveOn(after, target));
}

// Issue 18: a nameserver that was itself not running (SIGSTOP, a VM pause)
// sees every tablet silent at once when it resumes. Here no heartbeat reaches
// it and its clock jumps as if its process had stopped for 6 s.
TEST_CASE("nameserver stall: a jump of its clock past the offline timeout moves no leader, and a tablet that "
          "really stays silent still goes offline after (invariants 3, 4)") {
  auto ahead = std::make_shared<std::atomic<int64_t>>(0);
  auto reads = std::make_shared<std::atomic<uint64_t>>(0);
  Cluster cluster(3, [&](ns::NameServerOptions& options) {
    options.now = [ahead, reads] {
      ++*reads;
      return std::chrono::steady_clock::now() + std::chrono::milliseconds(ahead->load());
    };
  });
  REQUIRE(cluster.client->CreateTable("t", 4, 3).error().code() == v1::OK);
  const v1::ShowTableResponse before = cluster.client->ShowTable("t");
  REQUIRE(before.error().code() == v1::OK);
  // While no tablet heartbeats and the test calls nothing, every read of the
  // nameserver's clock is a check of its failure detector.
  const auto checks = [&](uint64_t n) {
    const uint64_t target = reads->load() + n;
    return Eventually([&] { return reads->load() >= target; }, 5s);
  };

  for (const auto& t : cluster.tablets) t->PauseHeartbeats();
  REQUIRE(checks(2));  // no heartbeat is on its way any more
  *ahead += 6000;
  REQUIRE(checks(3));  // the detector ran after the stall, before any heartbeat
  for (const auto& t : cluster.tablets) t->ResumeHeartbeats();
  FakeTablet& watched = *cluster.tablets[0];
  const uint64_t later = watched.heartbeats() + 40;  // two seconds of detector rounds, past the offline timeout
  REQUIRE(Eventually([&] { return watched.heartbeats() >= later; }, 10s));
  CHECK(cluster.Ops().empty());
  for (const auto& t : cluster.tablets) CHECK(cluster.TabletState(t->endpoint()) == "kTabletHealthy");
  const v1::ShowTableResponse after = cluster.client->ShowTable("t");
  for (int pid = 0; pid < 4; ++pid) {
    CHECK(after.tables(0).partitions(pid).term() == before.tables(0).partitions(pid).term());
    CHECK(after.tables(0).partitions(pid).leader() == before.tables(0).partitions(pid).leader());
  }
  // Invariant 4: the leases go on at the same terms.
  size_t leased = 0;
  for (const auto& t : cluster.tablets) leased += t->leased_partitions(1).size();
  CHECK(leased == 4);

  // The detector still works: a tablet silent for real goes offline.
  FakeTablet& silent = *cluster.tablets[1];
  cluster.Stop(silent);
  REQUIRE(Eventually([&] { return cluster.TabletState(silent.endpoint()) == "kTabletOffline"; }, 10s));
}
