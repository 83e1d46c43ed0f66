#include "ops/display.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <tuple>

#include "cli/table.h"
#include "cluster/proto/enum_names.h"

namespace kv::ops {

std::string WallClockTime(int64_t ms) {
  if (ms <= 0) return "-";
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm local{};
  localtime_r(&seconds, &local);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S", &local);
  return text;
}

std::string HumanAge(uint64_t ms) {
  const uint64_t s = ms / 1000;
  if (s < 60) return std::to_string(s) + "s";
  if (s < 3600) return std::to_string(s / 60) + "m";
  if (s < 86400) return std::to_string(s / 3600) + "h";
  return std::to_string(s / 86400) + "d";
}

void PrintTabletStatus(std::vector<v1::ReplicaStatus> replicas, bool json) {
  std::sort(replicas.begin(), replicas.end(), [](const v1::ReplicaStatus& a, const v1::ReplicaStatus& b) {
    return std::make_pair(a.partition().tid(), a.partition().pid()) <
           std::make_pair(b.partition().tid(), b.partition().pid());
  });
  cli::Table table({"tid", "pid", "table", "role", "term", "last_term", "last_offset", "applied_offset", "record_cnt",
                    "state", "lease"});
  for (const v1::ReplicaStatus& r : replicas) {
    if (json) {
      cli::PrintJsonLine({{"tid", r.partition().tid()},
                          {"pid", r.partition().pid()},
                          {"table", r.table_name()},
                          {"role", names::RoleName(r.role())},
                          {"term", r.term()},
                          {"last_term", r.last_term()},
                          {"last_offset", r.last_offset()},
                          {"applied_offset", r.applied_offset()},
                          {"record_cnt", r.record_count()},
                          {"state", names::ReplicaStateName(r.state())},
                          {"state_reason", r.state_reason()},
                          {"lease_valid", r.lease_valid()}});
    } else {
      table.AddRow({std::to_string(r.partition().tid()), std::to_string(r.partition().pid()), r.table_name(),
                    names::RoleName(r.role()), std::to_string(r.term()), std::to_string(r.last_term()),
                    std::to_string(r.last_offset()), std::to_string(r.applied_offset()),
                    std::to_string(r.record_count()), names::ReplicaStateName(r.state()),
                    r.role() == v1::LEADER ? (r.lease_valid() ? "valid" : "expired") : "-"});
    }
  }
  if (json) return;
  table.Print();
  for (const v1::ReplicaStatus& r : replicas) {
    if (r.state_reason().empty()) continue;
    PrintStateNote(std::to_string(r.partition().tid()) + "_" + std::to_string(r.partition().pid()),
                   names::ReplicaStateName(r.state()), r.state_reason());
  }
}

void PrintStateNote(const std::string& replica, const std::string& state, const std::string& reason) {
  std::fprintf(stderr, "note: %s is %s: %s\n", replica.c_str(), state.c_str(), reason.c_str());
}

std::vector<ReplicaRow> ReplicaRows(const std::vector<v1::TableInfo>& tables) {
  std::vector<ReplicaRow> rows;
  for (const v1::TableInfo& t : tables) {
    for (const v1::PartitionInfo& p : t.partitions()) {
      for (const v1::ReplicaInfo& r : p.replicas()) {
        rows.push_back({t.name(), t.tid(), p.pid(), r.endpoint(), names::RoleName(r.role()), p.term(), r.is_alive(),
                        r.offset(), r.record_count(), names::ReplicaStateName(r.state()), r.state_reason()});
      }
    }
  }
  const std::string leader = names::RoleName(v1::LEADER);
  std::sort(rows.begin(), rows.end(), [&](const ReplicaRow& a, const ReplicaRow& b) {
    const bool a_follows = a.role != leader, b_follows = b.role != leader;
    return std::tie(a.name, a.pid, a_follows, a.endpoint) < std::tie(b.name, b.pid, b_follows, b.endpoint);
  });
  return rows;
}

void PrintReplicaRows(const std::vector<ReplicaRow>& rows, bool json) {
  cli::Table table({"name", "tid", "pid", "endpoint", "role", "term", "is_alive", "offset", "record_cnt"});
  for (const ReplicaRow& r : rows) {
    if (json) {
      cli::PrintJsonLine({{"name", r.name},
                          {"tid", r.tid},
                          {"pid", r.pid},
                          {"endpoint", r.endpoint},
                          {"role", r.role},
                          {"term", r.term},
                          {"is_alive", r.is_alive},
                          {"offset", r.offset},
                          {"record_cnt", r.record_cnt},
                          {"state", r.state},
                          {"state_reason", r.state_reason}});
    } else {
      table.AddRow({r.name, std::to_string(r.tid), std::to_string(r.pid), r.endpoint, r.role, std::to_string(r.term),
                    r.is_alive ? "yes" : "no", std::to_string(r.offset), std::to_string(r.record_cnt)});
    }
  }
  if (json) return;
  table.Print();
  for (const ReplicaRow& r : rows) {
    if (!r.state_reason.empty()) {
      PrintStateNote(r.name + " pid " + std::to_string(r.pid) + " on " + r.endpoint, r.state, r.state_reason);
    }
  }
}

}  // namespace kv::ops
