// The one spelling of each role, acks, replica, table and tablet state
// (cluster/proto/enum_names.h). These names are persisted (the nameserver's
// metadata, each replica's settings.json) and parsed back, and operators and
// scripts read them in `ops` output: each is pinned here, and each parses back
// to the value it names.
#include <catch2/catch.hpp>

#include "cluster/proto/enum_names.h"

using namespace kv;

TEST_CASE("roles are leader and follower and parse back", "[names]") {
  CHECK(names::RoleName(v1::LEADER) == "leader");
  CHECK(names::RoleName(v1::FOLLOWER) == "follower");
  CHECK(names::RoleName(v1::ROLE_UNKNOWN) == "unknown");
  for (v1::Role role : {v1::LEADER, v1::FOLLOWER}) CHECK(names::ParseRole(names::RoleName(role)) == role);
  for (const char* bad : {"unknown", "", "Leader", "leader "}) {
    INFO(bad);
    CHECK(!names::ParseRole(bad));
  }
}

TEST_CASE("acks are majority and leader and parse back", "[names]") {
  CHECK(names::AcksName(v1::ACKS_MAJORITY) == "majority");
  CHECK(names::AcksName(v1::ACKS_LEADER) == "leader");
  for (v1::Acks acks : {v1::ACKS_MAJORITY, v1::ACKS_LEADER}) CHECK(names::ParseAcks(names::AcksName(acks)) == acks);
  CHECK(!names::ParseAcks("all"));
  CHECK(names::AcksChoices() == "majority or leader");
}

TEST_CASE("replica states are OpenMLDB's table states or - when a tablet reports none", "[names]") {
  CHECK(names::ReplicaStateName(v1::TABLE_NORMAL) == "kTableNormal");
  CHECK(names::ReplicaStateName(v1::TABLE_LOADING) == "kTableLoading");
  CHECK(names::ReplicaStateName(v1::TABLE_WRITE_STOPPED) == "kTableWriteStopped");
  CHECK(names::ReplicaStateName(v1::TABLE_OPEN_FAILED) == "kTableOpenFailed");
  CHECK(names::ReplicaStateName(v1::REPLICA_STATE_UNSPECIFIED) == "-");
}

TEST_CASE("table and tablet states as the nameserver persists and reports them parse back", "[names]") {
  using names::TableState;
  using names::TabletState;
  CHECK(names::TableStateName(TableState::kNormal) == "kTableNormal");
  CHECK(names::TableStateName(TableState::kCreating) == "kTableCreating");
  CHECK(names::TableStateName(TableState::kDropping) == "kTableDropping");
  CHECK(names::TableStateName(TableState::kCreateFailed) == "kTableCreateFailed");
  for (TableState s : {TableState::kNormal, TableState::kCreating, TableState::kDropping, TableState::kCreateFailed}) {
    CHECK(names::ParseTableState(names::TableStateName(s)) == s);
  }
  CHECK(!names::ParseTableState("kTableLoading"));  // a replica's state, not a table's
  CHECK(names::TabletStateName(TabletState::kHealthy) == "kTabletHealthy");
  CHECK(names::TabletStateName(TabletState::kOffline) == "kTabletOffline");
  for (TabletState s : {TabletState::kHealthy, TabletState::kOffline}) {
    CHECK(names::ParseTabletState(names::TabletStateName(s)) == s);
  }
  CHECK(!names::ParseTabletState("healthy"));
}
