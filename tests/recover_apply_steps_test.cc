// What `ops recoverdata apply` asks of the nameserver for each verdict and
// fate (ops/recover/apply_steps.h), and how verify judges a partition
// (ops/recover/verify.h), without a cluster.
#include <catch2/catch.hpp>

#include "ops/recover/apply.h"
#include "ops/recover/apply_steps.h"
#include "ops/recover/verify.h"

using namespace kv;
using namespace kv::recover;

namespace {

ReplicaDecision Replica(const std::string& endpoint, Fate fate, Position last, Source source = Source::kOnline,
                        Health health = Health::kOk) {
  ReplicaDecision d;
  d.endpoint = endpoint;
  d.fate = fate;
  d.last = last;
  d.source = source;
  d.health = health;
  return d;
}

PartitionPlan Partition(uint32_t pid, std::vector<ReplicaDecision> replicas, Verdict verdict = Verdict::kRecover) {
  PartitionPlan p;
  p.table = "t";
  p.tid = 7;
  p.pid = pid;
  p.replica_count = 3;
  p.verdict = verdict;
  p.leader = replicas.empty() ? "" : replicas.front().endpoint;
  p.leader_last = replicas.empty() ? Position{} : replicas.front().last;
  p.replicas = std::move(replicas);
  return p;
}

}  // namespace

TEST_CASE("apply steps: followers on running tablets follow, damaged ones are rebuilt, offline ones replaced where "
          "there is room",
          "[recover]") {
  Plan plan;
  plan.partitions.push_back(Partition(0, {Replica("a", Fate::kLeader, {3, 90}), Replica("b", Fate::kCatchUp, {2, 80}),
                                          Replica("c", Fate::kInSync, {3, 90}, Source::kOffline)}));
  plan.partitions.push_back(Partition(1, {Replica("a", Fate::kLeader, {3, 50}),
                                          Replica("b", Fate::kRebuild, {3, 40}, Source::kOnline, Health::kWalDamaged),
                                          Replica("c", Fate::kNotCollected, {})}));
  const ApplySteps steps = StepsOf(plan, {"a", "b", "d"});
  REQUIRE(steps.partitions.size() == 2);
  const PartitionSteps& p0 = steps.partitions[0];
  CHECK(p0.leader == "a");
  CHECK(p0.leader_last == Position{3, 90});
  CHECK(p0.min_term == 3);
  CHECK(p0.catch_up == std::vector<std::string>{"b"});
  CHECK(p0.replace == std::vector<std::string>{"c"});  // on d, the one running tablet without a replica
  CHECK(p0.note.empty());
  const PartitionSteps& p1 = steps.partitions[1];
  CHECK(p1.rebuild == std::vector<std::string>{"b"});
  CHECK(p1.catch_up.empty());
  CHECK(p1.replace.empty());  // c was not read: left as it is, it catches up when its tablet is back

  SECTION("no room: the replacement is left out and said") {
    const ApplySteps tight = StepsOf(plan, {"a", "b"});
    CHECK(tight.partitions[0].replace.empty());
    CHECK_THAT(tight.partitions[0].note, Catch::Contains("1 replica(s) could not be placed"));
  }
  SECTION("replicas to add take the room left") {
    plan.partitions[1].replicas_to_add = 2;
    const ApplySteps more = StepsOf(plan, {"a", "b", "d", "e", "f"});
    CHECK(more.partitions[1].add == 2);
  }
}

TEST_CASE("apply steps: healthy partitions are left alone, refused, unreadable-leader and offline-leader ones are "
          "held with what to do",
          "[recover]") {
  Plan plan;
  plan.partitions.push_back(Partition(0, {Replica("a", Fate::kLeader, {1, 5})}, Verdict::kHealthy));
  PartitionPlan refused = Partition(1, {Replica("a", Fate::kLeader, {1, 5})}, Verdict::kDataLoss);
  refused.refused = true;
  plan.partitions.push_back(refused);
  plan.partitions.push_back(
      Partition(2, {Replica("a", Fate::kLeader, {1, 5}, Source::kOnline, Health::kUnreadable)}, Verdict::kDataLoss));
  plan.partitions.push_back(Partition(3, {Replica("z", Fate::kLeader, {1, 5}, Source::kOffline)}));
  PartitionPlan damaged_offline =
      Partition(4, {Replica("z", Fate::kLeader, {1, 5}, Source::kOffline, Health::kWalDamaged)}, Verdict::kDataLoss);
  plan.partitions.push_back(damaged_offline);
  const ApplySteps steps = StepsOf(plan, {"a"});
  CHECK(steps.partitions.empty());
  CHECK(steps.healthy == 1);
  REQUIRE(steps.held.size() == 4);
  CHECK_THAT(steps.held[0], Catch::Contains("t pid 1") && Catch::Contains("--accept-data-loss"));
  CHECK_THAT(steps.held[1], Catch::Contains("t pid 2") && Catch::Contains("repair partition descriptor"));
  CHECK_THAT(steps.held[2], Catch::Contains("t pid 3") && Catch::Contains("start a tablet"));
  // A damaged leader whose tablet does not run: nobody can repair it in place.
  CHECK_THAT(steps.held[3], Catch::Contains("t pid 4") && Catch::Contains("start a tablet"));
}

TEST_CASE("apply steps: with the loss accepted, a damaged leader is repaired in place and a partition no replica "
          "holds is created empty",
          "[recover]") {
  Plan plan;
  plan.partitions.push_back(Partition(0,
                                      {Replica("a", Fate::kLeader, {2, 40}, Source::kOnline, Health::kWalDamaged),
                                       Replica("b", Fate::kRebuild, {}, Source::kOnline, Health::kMissing)},
                                      Verdict::kDataLoss));
  // No replica: the placement's b and c are missing; b runs, c does not.
  plan.partitions.push_back(Partition(1, {}, Verdict::kNoReplica));
  plan.partitions[1].replicas = {Replica("b", Fate::kRebuild, {}, Source::kOnline, Health::kMissing),
                                 Replica("c", Fate::kRebuild, {}, Source::kOnline, Health::kMissing)};
  plan.partitions[1].replicas_to_add = 1;

  const ApplySteps steps = StepsOf(plan, {"a", "b", "d"});
  CHECK(steps.held.empty());
  REQUIRE(steps.partitions.size() == 2);
  const PartitionSteps& repaired = steps.partitions[0];
  CHECK(repaired.leader == "a");
  CHECK(repaired.repair_leader);
  CHECK_FALSE(repaired.create_empty);
  CHECK(repaired.rebuild == std::vector<std::string>{"b"});
  CHECK_THAT(repaired.note, Catch::Contains("repaired in place"));

  const PartitionSteps& empty = steps.partitions[1];
  CHECK(empty.create_empty);
  CHECK_FALSE(empty.repair_leader);
  CHECK(empty.leader == "b");  // where the placement had it, on a running tablet
  CHECK(empty.leader_last == Position{});
  CHECK(empty.rebuild.empty());
  CHECK(empty.replace == std::vector<std::string>{"c"});  // on a, or d
  CHECK(empty.add == 1);
  CHECK_THAT(empty.note, Catch::Contains("created empty on b"));

  SECTION("no tablet of the placement runs: the first running one") {
    const ApplySteps elsewhere = StepsOf(plan, {"a", "d"});
    REQUIRE(elsewhere.partitions.size() == 2);
    CHECK(elsewhere.partitions[1].leader == "a");
  }
  SECTION("no tablet runs at all: held") {
    const ApplySteps none = StepsOf(plan, {});
    CHECK(none.partitions.empty());
    REQUIRE(none.held.size() == 2);
    CHECK_THAT(none.held[1], Catch::Contains("no tablet runs"));
  }
}

TEST_CASE("apply steps: the best replica on a tablet that does not run is copied to the first running tablet "
          "without a replica of the partition, which leads",
          "[recover]") {
  Plan plan;
  ReplicaDecision offline = Replica("z", Fate::kLeader, {3, 9}, Source::kOffline);
  offline.folder = "/data/z/partitions/7_0";
  plan.partitions.push_back(Partition(0, {offline, Replica("a", Fate::kCatchUp, {3, 5})}));

  const ApplySteps steps = StepsOf(plan, {"a", "b", "d"});
  REQUIRE(steps.partitions.size() == 1);
  const PartitionSteps& s = steps.partitions[0];
  CHECK(s.leader == "b");
  CHECK(s.adopt_from == "z");
  CHECK(s.adopt_folder == "/data/z/partitions/7_0");
  CHECK(s.leader_last == Position{3, 9});
  CHECK(s.catch_up == std::vector<std::string>{"a"});
  CHECK(s.replace.empty());  // z's copy on b takes its place
  CHECK_THAT(s.note, Catch::Contains("copied from /data/z/partitions/7_0 to b"));

  SECTION("no running tablet without a replica: held") {
    const ApplySteps held = StepsOf(plan, {"a"});
    CHECK(held.partitions.empty());
    REQUIRE(held.held.size() == 1);
    CHECK_THAT(held.held[0], Catch::Contains("no running tablet without a replica"));
  }
  SECTION("a relative folder in the report: held, saying so") {
    plan.partitions[0].replicas[0].folder = "data/z/partitions/7_0";
    const ApplySteps held = StepsOf(plan, {"a", "b"});
    REQUIRE(held.held.size() == 1);
    CHECK_THAT(held.held[0], Catch::Contains("absolute"));
  }
}

TEST_CASE("a stale plan: changes in the partitions it acts on count, changes elsewhere do not", "[recover]") {
  Plan plan;
  plan.partitions.push_back(Partition(0, {Replica("a", Fate::kLeader, {1, 5})}, Verdict::kHealthy));
  plan.partitions.push_back(Partition(1, {Replica("a", Fate::kLeader, {1, 5}), Replica("b", Fate::kCatchUp, {1, 3})}));
  Plan fresh = plan;
  fresh.partitions[0].replicas[0].last = {1, 9};  // the healthy partition took writes
  CHECK(StaleChanges(plan, fresh).empty());
  fresh.partitions[1].replicas[1].last = {1, 4};
  const auto changes = StaleChanges(plan, fresh);
  REQUIRE(changes.size() == 1);
  CHECK_THAT(changes[0], Catch::Contains("t pid 1 on b"));
}

TEST_CASE("verify: a partition is done only with a live leader, every replica alive, at one offset, with one checksum",
          "[recover]") {
  v1::TableInfo table;
  table.set_name("t");
  table.set_tid(7);
  table.set_replica_count(2);
  v1::PartitionInfo partition;
  partition.set_pid(0);
  partition.set_term(4);
  partition.set_leader("a");
  for (const char* e : {"a", "b"}) {
    v1::ReplicaInfo* r = partition.add_replicas();
    r->set_endpoint(e);
    r->set_is_alive(true);
  }
  auto status = [](v1::Role role, uint64_t offset, uint64_t checksum) {
    v1::ReplicaStatus s;
    s.set_role(role);
    s.set_term(4);
    s.set_last_term(4);
    s.set_last_offset(offset);
    s.set_applied_offset(offset);
    s.set_record_count(offset);
    s.set_content_checksum(checksum);
    return s;
  };
  std::map<std::string, v1::ReplicaStatus> answers = {{"a", status(v1::LEADER, 10, 99)},
                                                       {"b", status(v1::FOLLOWER, 10, 99)}};
  PartitionCheck check;
  CHECK(CheckPartition(table, partition, answers, &check).empty());
  CHECK(check.record_count == 10);
  CHECK(check.alive == 2);

  answers["b"].set_content_checksum(98);
  CHECK_THAT(CheckPartition(table, partition, answers, &check), Catch::Contains("content checksums differ"));
  answers["b"] = status(v1::FOLLOWER, 9, 99);
  CHECK_THAT(CheckPartition(table, partition, answers, &check), Catch::Contains("offset 9"));
  answers.erase("b");
  CHECK_THAT(CheckPartition(table, partition, answers, &check), Catch::Contains("b did not answer"));
  answers["b"] = status(v1::FOLLOWER, 10, 99);
  partition.mutable_replicas(1)->set_is_alive(false);
  CHECK_THAT(CheckPartition(table, partition, answers, &check), Catch::Contains("1 of 2 replicas alive"));
  partition.set_leader("");
  CHECK(CheckPartition(table, partition, answers, &check) == "no leader");
}
