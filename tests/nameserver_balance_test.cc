// The balancer's plan (cluster/nameserver/balance_plan.h), as a pure function:
// applied round after round it ends, spreads replicas and leaders, and never
// puts two replicas of a partition on one tablet.
#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <set>

#include "cluster/nameserver/balance_plan.h"
#include "cluster/nameserver/placement.h"
#include "tests/placement_test_util.h"

using namespace kv;
using namespace kv::ns;
using kv::test::Spread;
using kv::test::Tablets;

namespace {

TableMeta PlacedTable(const std::string &name, uint32_t tid, const std::vector<std::string> &tablets,
                      uint32_t partitions, uint32_t replicas) {
  TableMeta t;
  t.name = name;
  t.tid = tid;
  t.state = TableState::kNormal;
  t.replica_count = replicas;
  Placement placement = PlaceReplicas(tablets, partitions, replicas, tid).value();
  for (uint32_t pid = 0; pid < partitions; ++pid) {
    PartitionMeta p;
    p.pid = pid;
    p.term = 1;
    p.leader = placement[pid][0];
    for (const std::string &e : placement[pid])
      p.replicas.push_back({e, e == p.leader ? v1::LEADER : v1::FOLLOWER, true});
    t.partitions.push_back(p);
  }
  return t;
}

TableMeta *Find(std::vector<TableMeta> &tables, const std::string &name) {
  for (TableMeta &t : tables) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

// What the ops would do: a replica moves, a leader changes.
void Apply(std::vector<TableMeta> &tables, const std::vector<BalanceMove> &moves) {
  for (const BalanceMove &m : moves) {
    PartitionMeta &p = Find(tables, m.table)->partitions.at(m.pid);
    if (m.kind == BalanceMove::Kind::kReplica) {
      REQUIRE(p.FindReplica(m.from) != nullptr);
      REQUIRE(p.FindReplica(m.to) == nullptr);  // never two replicas of a partition on one tablet
      const bool was_leader = p.leader == m.from;
      for (ReplicaMeta &r : p.replicas) {
        if (r.endpoint == m.from) r = {m.to, v1::FOLLOWER, true};
      }
      if (was_leader) {  // the migrate op hands leadership to another replica
                         // first
        for (ReplicaMeta &r : p.replicas) {
          if (r.endpoint != m.to) {
            p.leader = r.endpoint;
            break;
          }
        }
        if (p.leader == m.from) p.leader = m.to;  // a single replica
      }
    } else {
      REQUIRE(p.leader == m.from);
      REQUIRE(p.FindReplica(m.to) != nullptr);
      p.leader = m.to;
    }
  }
}

// Plans and applies rounds until the plan is empty; returns the rounds taken.
int BalanceFully(std::vector<TableMeta> &tables, const std::vector<std::string> &healthy) {
  for (int round = 1; round <= 100; ++round) {
    const std::vector<BalanceMove> moves = PlanBalance(tables, healthy);
    if (moves.empty()) return round - 1;
    std::set<std::pair<std::string, uint32_t>> partitions;
    for (const BalanceMove &m : moves) {
      INFO(m.Describe());
      CHECK(partitions.insert({m.table, m.pid}).second);  // one op per partition at a time
    }
    Apply(tables, moves);
  }
  FAIL("the plan did not end in 100 rounds");
  return -1;
}

void CheckBalanced(const std::vector<TableMeta> &tables, const std::vector<std::string> &healthy) {
  std::map<std::string, int64_t> total;
  for (const TableMeta &t : tables) {
    std::map<std::string, int64_t> replicas, leaders;
    for (const PartitionMeta &p : t.partitions) {
      ++leaders[p.leader];
      std::set<std::string> on;
      for (const ReplicaMeta &r : p.replicas) {
        CHECK(on.insert(r.endpoint).second);
        ++replicas[r.endpoint];
        ++total[r.endpoint];
      }
      CHECK(on.size() == t.replica_count);
      CHECK(on.count(p.leader) == 1);
    }
    INFO("table " << t.name);
    CHECK(Spread(replicas, healthy) <= 1);
    CHECK(Spread(leaders, healthy) <= 1);
  }
  CHECK(Spread(total, healthy) <= 1);
}

}  // namespace

TEST_CASE("balance: a freshly placed table needs no move", "[balance]") {
  const auto tablets = Tablets(5);
  std::vector<TableMeta> tables = {PlacedTable("t", 1, tablets, 8, 3)};
  CHECK(PlanBalance(tables, tablets).empty());
}

TEST_CASE("balance: 3 tablets scaled out to 5 spread replicas and leaders within one", "[balance]") {
  const auto all = Tablets(5);
  std::vector<TableMeta> tables = {PlacedTable("t", 1, Tablets(3), 8, 3)};
  const int rounds = BalanceFully(tables, all);
  CHECK(rounds >= 1);
  CheckBalanced(tables, all);
}

TEST_CASE("balance: many shapes of scale-out end balanced", "[balance]") {
  for (size_t before = 1; before <= 5; ++before) {
    for (size_t added = 1; added <= 4; ++added) {
      for (uint32_t replicas = 1; replicas <= before; ++replicas) {
        for (uint32_t partitions : {1u, 3u, 8u, 17u}) {
          INFO(before << " tablets + " << added << ", " << partitions << " partitions x " << replicas);
          const auto all = Tablets(before + added);
          std::vector<TableMeta> tables = {PlacedTable("a", 1, Tablets(before), partitions, replicas),
                                           PlacedTable("b", 2, Tablets(before), partitions, replicas)};
          BalanceFully(tables, all);
          CheckBalanced(tables, all);
        }
      }
    }
  }
}

TEST_CASE("balance: many one-partition tables spread over new tablets too", "[balance]") {
  const auto all = Tablets(6);
  std::vector<TableMeta> tables;
  for (uint32_t tid = 1; tid <= 12; ++tid)
    tables.push_back(PlacedTable("s" + std::to_string(tid), tid, Tablets(3), 1, 1));
  BalanceFully(tables, all);
  CheckBalanced(tables, all);
}

TEST_CASE(
    "balance: tables with a failed replica, no leader or not normal stay "
    "as they are",
    "[balance]") {
  const auto all = Tablets(5);
  std::vector<TableMeta> tables = {
      PlacedTable("dead", 1, Tablets(3), 8, 3), PlacedTable("leaderless", 2, Tablets(3), 8, 3),
      PlacedTable("creating", 3, Tablets(3), 8, 3), PlacedTable("healthy", 4, Tablets(3), 8, 3)};
  tables[0].partitions[2].replicas[1].is_alive = false;
  tables[1].partitions[5].leader.clear();
  tables[2].state = TableState::kCreating;
  const std::vector<BalanceMove> moves = PlanBalance(tables, all);
  REQUIRE_FALSE(moves.empty());
  for (const BalanceMove &m : moves) CHECK(m.table == "healthy");
  // Without its first tablet, "healthy" has replicas on a tablet that is not:
  // re-replication comes first.
  CHECK(PlanBalance(tables, std::vector<std::string>(all.begin() + 1, all.end())).empty());
}

TEST_CASE("balance: moves are described for showopstatus and logs", "[balance]") {
  BalanceMove m{BalanceMove::Kind::kReplica, "t1", 4, 3, "a:1", "b:2"};
  CHECK(m.Describe() == "move replica t1/3 from a:1 to b:2");
  m.kind = BalanceMove::Kind::kLeader;
  CHECK(m.Describe() == "move leader t1/3 from a:1 to b:2");
}
