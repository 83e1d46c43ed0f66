// How `ops` shows the store's state to people: ages, times, and the tables of
// `showtable` (OpenMLDB's columns) and `gettablestatus`. The names of roles,
// acks and states come from cluster/proto/enum_names.h.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cluster/proto/kv.pb.h"

namespace kv::ops {

// OpenMLDB's short ages: "45s", "7m", "3h", "2d" (the largest whole unit).
std::string HumanAge(uint64_t ms);
// Wall clock ms since the Unix epoch as "2026-11-28 19:01:33" (local time);
// "-" for 0 (not yet).
std::string WallClockTime(int64_t ms);

// One replica of one partition: a row of `showtable`.
struct ReplicaRow {
  std::string name;
  uint32_t tid = 0;
  uint32_t pid = 0;
  std::string endpoint;
  std::string role;           // names::RoleName
  uint64_t term = 0;
  bool is_alive = false;
  uint64_t offset = 0;
  uint64_t record_cnt = 0;
  std::string state;         // as its tablet last reported it (names::ReplicaStateName)
  std::string state_reason;  // why it is not kTableNormal; empty when it is
};

// A tablet's own view of its replicas (`ops gettablestatus`, `ops loadtable`),
// ordered by tid, pid: an aligned table, or one JSON object per replica.
void PrintTabletStatus(std::vector<v1::ReplicaStatus> replicas, bool json);

// Rows ordered by table name, pid, leader first, then endpoint.
std::vector<ReplicaRow> ReplicaRows(const std::vector<v1::TableInfo>& tables);
// As OpenMLDB's showtable table, or one JSON object per replica.
// Human output (tables) of both: each replica that is not kTableNormal for a
// reason gets a line on stderr after the table, "note: REPLICA is STATE: REASON".
void PrintReplicaRows(const std::vector<ReplicaRow>& rows, bool json);
void PrintStateNote(const std::string& replica, const std::string& state, const std::string& reason);

}  // namespace kv::ops
