// The recovery planner (ops/recover/plan.h) on collections built by hand: the
// leader choice of invariant 6, each replica's fate, the partitions that may
// have lost acknowledged writes, and the plan file's round trip.
#include <catch2/catch.hpp>

#include "ops/recover/plan.h"

namespace kv::recover {
namespace {

const std::string kA = "127.0.0.1:9001", kB = "127.0.0.1:9002", kC = "127.0.0.1:9003";

CollectedReplica Replica(const std::string& endpoint, uint64_t term, uint64_t offset, uint32_t pid = 0,
                         Health health = Health::kOk, Source source = Source::kOnline) {
  CollectedReplica r;
  r.table = "orders";
  r.tid = 7;
  r.pid = pid;
  r.endpoint = endpoint;
  r.last = {term, offset};
  r.applied_offset = offset;
  r.health = health;
  r.reason = health == Health::kOk ? "" : "a finding";
  r.source = source;
  r.origin = source == Source::kOnline ? "GetStatus" : "report.json";
  return r;
}

// A cluster that knows table orders (tid 7, one partition, 3 replicas on A, B
// and C, leader `leader`); the tablets in `read` were collected.
Collection Cluster(const std::vector<std::string>& read, const std::string& leader = kA, uint32_t partitions = 1) {
  Collection c;
  c.nameservers = {"127.0.0.1:9000"};
  c.collected = "2026-12-06T15:00:00Z";
  c.tables.push_back({"orders", 7, partitions, 3, true, "nameserver"});
  for (uint32_t pid = 0; pid < partitions; ++pid) {
    c.placements.push_back({"orders", 7, pid, 2, leader, {{kA, false}, {kB, false}, {kC, false}}});
  }
  for (const std::string& ep : read) c.tablets.push_back({ep, "", Source::kOnline, "GetStatus"});
  for (const std::string& ep : {kA, kB, kC}) {
    if (std::find(read.begin(), read.end(), ep) == read.end()) {
      c.unreachable.push_back(ep + ": no answer");
      c.partial = true;
    }
  }
  return c;
}

PartitionPlan PlanOne(const Collection& c, bool accept_data_loss = false) {
  auto plan = MakePlan(c, {{}, accept_data_loss, "2026-12-06T15:01:00Z"});
  REQUIRE(plan.ok());
  REQUIRE(plan->partitions.size() == 1);
  return plan->partitions.front();
}

const ReplicaDecision& On(const PartitionPlan& p, const std::string& endpoint) {
  for (const ReplicaDecision& d : p.replicas) {
    if (d.endpoint == endpoint) return d;
  }
  FAIL("no decision for " << endpoint);
  return p.replicas.front();
}

}  // namespace

TEST_CASE("invariant 6: the leader is the healthy replica with the greatest (last term, last offset)", "[recover]") {
  Collection c = Cluster({kA, kB, kC});
  c.replicas = {Replica(kA, 2, 50), Replica(kB, 3, 40), Replica(kC, 3, 45)};
  const PartitionPlan p = PlanOne(c);
  CHECK(p.leader == kC);
  CHECK(p.leader_last == Position{3, 45});
  CHECK(p.verdict == Verdict::kRecover);
  CHECK_FALSE(p.refused);
  CHECK_FALSE(p.at_risk);
  // A's longer log of an older term is cut past the leader's end; B just catches up.
  CHECK(On(p, kA).fate == Fate::kCatchUp);
  CHECK(On(p, kA).records_cut == 5);
  CHECK(On(p, kB).fate == Fate::kCatchUp);
  CHECK(On(p, kB).records_to_receive == 5);
  CHECK(p.replicas.front().endpoint == kC);
}

TEST_CASE("a tie goes to the current leader, then to the lowest endpoint", "[recover]") {
  Collection c = Cluster({kA, kB, kC}, kB);
  c.replicas = {Replica(kA, 2, 50), Replica(kB, 2, 50), Replica(kC, 2, 50)};
  CHECK(PlanOne(c).leader == kB);
  c.placements.front().leader.clear();
  CHECK(PlanOne(c).leader == kA);
}

TEST_CASE("a live cluster whose leader leads already is healthy: nothing to do", "[recover]") {
  Collection c = Cluster({kA, kB, kC});
  for (PlacedReplica& r : c.placements.front().replicas) r.is_alive = true;
  c.replicas = {Replica(kA, 2, 50), Replica(kB, 2, 50), Replica(kC, 2, 49)};
  const PartitionPlan p = PlanOne(c);
  CHECK(p.verdict == Verdict::kHealthy);
  CHECK(On(p, kC).fate == Fate::kCatchUp);
  CHECK(On(p, kB).fate == Fate::kInSync);
}

TEST_CASE("invariant 5: a minority without reports of the others may have lost acknowledged writes", "[recover]") {
  Collection c = Cluster({kA});
  c.replicas = {Replica(kA, 2, 120)};
  const PartitionPlan p = PlanOne(c);
  CHECK(p.leader == kA);
  CHECK(p.verdict == Verdict::kDataLoss);
  CHECK(p.refused);
  REQUIRE(p.at_risk);
  CHECK(p.at_risk->first == 121);
  CHECK_FALSE(p.at_risk->last);
  CHECK(Describe(*p.at_risk) == "offsets from 121");
  CHECK(p.risk.find("only 1 of 3 replicas") != std::string::npos);
  CHECK(On(p, kB).fate == Fate::kNotCollected);
  CHECK(On(p, kC).fate == Fate::kNotCollected);

  const PartitionPlan accepted = PlanOne(c, /*accept_data_loss=*/true);
  CHECK(accepted.verdict == Verdict::kDataLoss);
  CHECK_FALSE(accepted.refused);
}

TEST_CASE("a minority holding the leader of the partition's current term loses nothing", "[recover]") {
  Collection c = Cluster({kA});  // the placement: A leads at term 2
  CollectedReplica leader = Replica(kA, 2, 120);
  leader.role = "leader";
  c.replicas = {leader};
  PartitionPlan p = PlanOne(c);
  CHECK(p.verdict == Verdict::kRecover);
  CHECK_FALSE(p.at_risk);
  // A leader of an older term (its last record's term is not the partition's) proves nothing.
  c.placements.front().term = 3;
  p = PlanOne(c);
  CHECK(p.verdict == Verdict::kDataLoss);
}

TEST_CASE("invariant 5: a minority online with offline reports of the others loses nothing", "[recover]") {
  Collection c = Cluster({kA});
  Collection offline;
  offline.tablets = {{kB, "tb", Source::kOffline, "b.json"}, {kC, "tc", Source::kOffline, "c.json"}};
  offline.replicas = {Replica(kB, 2, 130, 0, Health::kOk, Source::kOffline),
                      Replica(kC, 2, 125, 0, Health::kOk, Source::kOffline)};
  c.replicas = {Replica(kA, 2, 120)};
  REQUIRE(Merge(&c, std::move(offline)).ok());
  CHECK_FALSE(c.partial);  // the unreachable tablets are covered by their reports
  const PartitionPlan p = PlanOne(c);
  CHECK(p.leader == kB);
  CHECK(p.verdict == Verdict::kRecover);
  CHECK_FALSE(p.at_risk);
  CHECK_FALSE(p.refused);
  CHECK(On(p, kA).records_to_receive == 10);
  CHECK(On(p, kB).source == Source::kOffline);
}

TEST_CASE("a replica with a damaged WAL is not chosen when a healthy one is as far ahead", "[recover]") {
  Collection c = Cluster({kA, kB, kC});
  c.replicas = {Replica(kA, 2, 100, 0, Health::kWalDamaged), Replica(kB, 2, 100), Replica(kC, 2, 100)};
  const PartitionPlan p = PlanOne(c);
  CHECK(p.leader == kB);
  CHECK(On(p, kA).fate == Fate::kRebuild);
  CHECK(p.verdict == Verdict::kRecover);
  CHECK_FALSE(p.refused);
}

TEST_CASE("offsets held only by a damaged replica ahead of the leader are at risk", "[recover]") {
  Collection c = Cluster({kA, kB, kC});
  c.replicas = {Replica(kA, 2, 110, 0, Health::kWalDamaged), Replica(kB, 2, 100), Replica(kC, 2, 100)};
  const PartitionPlan p = PlanOne(c);
  CHECK(p.leader == kB);
  CHECK(p.verdict == Verdict::kDataLoss);
  REQUIRE(p.at_risk);
  CHECK(Describe(*p.at_risk) == "offsets 101..110");
  CHECK(p.refused);
}

TEST_CASE("a damaged replica as the only source shows the loss and needs accept_data_loss", "[recover]") {
  Collection c = Cluster({kA});
  CollectedReplica damaged = Replica(kA, 2, 100, 0, Health::kWalDamaged);
  damaged.applied_offset = 80;
  c.replicas = {damaged};
  const PartitionPlan p = PlanOne(c);
  CHECK(p.leader == kA);
  CHECK(p.replicas.front().fate == Fate::kLeader);
  CHECK(p.verdict == Verdict::kDataLoss);
  REQUIRE(p.at_risk);
  CHECK(p.at_risk->first == 81);
  CHECK(p.refused);
  CHECK_FALSE(PlanOne(c, true).refused);
}

TEST_CASE("a tablet whose data dir is gone: its replicas are rebuilt from the others", "[recover]") {
  SECTION("online: the tablet answered and holds nothing") {
    Collection c = Cluster({kA, kB, kC});
    c.replicas = {Replica(kA, 2, 100), Replica(kB, 2, 100)};
    const PartitionPlan p = PlanOne(c);
    CHECK(p.verdict == Verdict::kRecover);
    CHECK_FALSE(p.at_risk);
    CHECK(On(p, kC).fate == Fate::kRebuild);
    CHECK(On(p, kC).health == Health::kMissing);
    CHECK(p.replicas_to_add == 0);
  }
  SECTION("offline only: two reports, no metadata; the third replica is re-created") {
    Collection c;
    c.tablets = {{kA, "ta", Source::kOffline, "a.json"}, {kB, "tb", Source::kOffline, "b.json"}};
    c.tables.push_back({"orders", 7, 1, 3, true, "replicas"});
    c.replicas = {Replica(kA, 2, 100, 0, Health::kOk, Source::kOffline),
                  Replica(kB, 2, 90, 0, Health::kOk, Source::kOffline)};
    const PartitionPlan p = PlanOne(c);
    CHECK(p.leader == kA);
    CHECK(p.verdict == Verdict::kRecover);
    CHECK_FALSE(p.at_risk);
    CHECK(p.replicas_to_add == 1);
  }
}

TEST_CASE("a partition with no replica at all is recreated empty only with accept_data_loss", "[recover]") {
  Collection c = Cluster({kA, kB, kC}, kA, /*partitions=*/2);
  c.replicas = {Replica(kA, 2, 100), Replica(kB, 2, 100), Replica(kC, 2, 100)};
  auto plan = MakePlan(c, {{}, false, "2026-12-06T15:01:00Z"});
  REQUIRE(plan.ok());
  REQUIRE(plan->partitions.size() == 2);
  const PartitionPlan& empty = plan->partitions[1];
  CHECK(empty.pid == 1);
  CHECK(empty.verdict == Verdict::kNoReplica);
  CHECK(empty.leader.empty());
  CHECK(empty.refused);
  CHECK(Summarize(*plan).refused == 1);
  CHECK(Summarize(*plan).no_replica == 1);
  auto accepted = MakePlan(c, {{}, true, "2026-12-06T15:01:00Z"});
  REQUIRE(accepted.ok());
  CHECK_FALSE(accepted->partitions[1].refused);

  SECTION("a partition no tablet and no metadata knows, from the table's partition count") {
    Collection offline;
    offline.tables.push_back({"orders", 7, 2, 3, true, "nameserver"});
    offline.tablets = {{kA, "ta", Source::kOffline, "a.json"}};
    offline.replicas = {Replica(kA, 2, 100, 0, Health::kOk, Source::kOffline)};
    auto p = MakePlan(offline, {{}, true, "t"});
    REQUIRE(p.ok());
    REQUIRE(p->partitions.size() == 2);
    CHECK(p->partitions[1].verdict == Verdict::kNoReplica);
    CHECK(p->partitions[1].replicas_to_add == 3);
  }
}

TEST_CASE("an unknown table is refused", "[recover]") {
  Collection c = Cluster({kA, kB, kC});
  auto plan = MakePlan(c, {{"nosuch"}, false, "t"});
  REQUIRE_FALSE(plan.ok());
  CHECK(plan.status().IsInvalidArgument());
  CHECK(plan.status().message().find("'nosuch'") != std::string::npos);
  CHECK(MakePlan(c, {{"orders"}, false, "t"}).ok());
}

TEST_CASE("the plan is deterministic and its file round-trips", "[recover]") {
  Collection c = Cluster({kA, kB}, kA, 3);
  for (uint32_t pid = 0; pid < 3; ++pid) {
    c.replicas.push_back(Replica(kA, 2, 100 + pid, pid));
    c.replicas.push_back(Replica(kB, 2, 90, pid, pid == 1 ? Health::kSstDamaged : Health::kOk));
  }
  Collection shuffled = c;
  std::reverse(shuffled.replicas.begin(), shuffled.replicas.end());
  const PlanOptions options{{}, false, "2026-12-06T15:01:00Z"};
  auto plan = MakePlan(c, options), again = MakePlan(shuffled, options);
  REQUIRE(plan.ok());
  REQUIRE(again.ok());
  const std::string text = PlanToJsonLines(*plan);
  CHECK(text == PlanToJsonLines(*again));
  CHECK(plan->id == "rd-20261206T150100Z-" + plan->fingerprint.substr(0, 8));

  auto parsed = ParsePlanJsonLines(text, "plan.json");
  REQUIRE(parsed.ok());
  CHECK(PlanToJsonLines(*parsed) == text);
  CHECK(ChangesBetween(*plan, *parsed).empty());

  SECTION("a changed replica changes the fingerprint, and the change is named") {
    Collection later = c;
    later.replicas[0].last.offset = 105;
    auto fresh = MakePlan(later, options);
    REQUIRE(fresh.ok());
    CHECK(fresh->fingerprint != plan->fingerprint);
    const auto changes = ChangesBetween(*plan, *fresh);
    REQUIRE(changes.size() == 1);
    CHECK(changes[0] == "orders pid 0 on " + kA + ": (term 2, offset 100) -> (term 2, offset 105)");
  }
  SECTION("a truncated or foreign plan file is refused") {
    auto truncated = ParsePlanJsonLines(text.substr(0, text.rfind('\n', text.size() - 2) + 1), "plan.json");
    REQUIRE_FALSE(truncated.ok());
    CHECK(truncated.status().message().find("truncated") != std::string::npos);
    auto cut_mid_line = ParsePlanJsonLines(text.substr(0, text.size() - 20), "plan.json");
    REQUIRE_FALSE(cut_mid_line.ok());
    CHECK(ParsePlanJsonLines(CollectionToJsonLines(c), "plan.json").status().message().find("not a recoverdata plan") !=
          std::string::npos);
  }
}

}  // namespace kv::recover
