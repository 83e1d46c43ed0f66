// What the balancer should move next (`ops balance`, and after a scale-out): a
// pure function of the tables and the healthy tablets, so its properties are
// tested directly (tests/nameserver_balance_test.cc). The nameserver turns
// each move into an op (kMigrateOP, kChangeLeaderOP) and plans again once
// they are done, until the plan is empty.
//
// The goal, per table: the table's replicas per healthy tablet differ by at
// most one, and so do its leaders, so every table's load spreads. Then across
// tables: the replicas of all tables together per tablet differ by at most one
// as far as moves that keep every table within one allow, so that many small
// tables do not pile up on the first tablets. Leaders move only to a tablet
// already holding a replica of the partition.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cluster/nameserver/table_meta.h"

namespace kv::ns {

struct BalanceMove {
  enum class Kind {
    kReplica,  // a new replica on `to` catches up, then the one on `from` is
               // dropped
    kLeader,   // the replica on `to` becomes the leader (a new term)
  };
  Kind kind = Kind::kReplica;
  std::string table;
  uint32_t tid = 0;
  uint32_t pid = 0;
  std::string from;
  std::string to;

  std::string Describe() const;  // "move replica t1/3 from A to B", "move leader t1/3 from A to B"
};

// One round of moves: at most one per partition (the op runner takes one op
// per partition at a time), replica moves before leader moves. Only tables in
// kNormal whose every partition has a leader and only alive replicas on
// healthy tablets take part: a table with a failed replica is re-replication's
// work first. A moved replica is a follower where the partition has one on the
// fuller tablet; a leader's own replica moves only when nothing else can.
std::vector<BalanceMove> PlanBalance(const std::vector<TableMeta> &tables, const std::vector<std::string> &healthy);

}  // namespace kv::ns
