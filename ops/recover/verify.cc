#include "ops/recover/verify.h"

#include <algorithm>
#include <set>
#include <thread>

#include "cluster/client/kv_client.h"

namespace kv::recover {

namespace {

constexpr auto kAskAgain = std::chrono::milliseconds(200);

std::string At(const v1::ReplicaStatus& s) {
  return "(term " + std::to_string(s.last_term()) + ", offset " + std::to_string(s.last_offset()) + ")";
}

}  // namespace

size_t VerifyReport::Undone() const {
  return std::count_if(partitions.begin(), partitions.end(), [](const PartitionCheck& c) { return !c.problem.empty(); });
}

std::string CheckPartition(const v1::TableInfo& table, const v1::PartitionInfo& partition,
                           const std::map<std::string, v1::ReplicaStatus>& answers, PartitionCheck* check) {
  check->table = table.name();
  check->pid = partition.pid();
  check->leader = partition.leader();
  check->term = partition.term();
  check->replica_count = table.replica_count();
  check->alive = 0;
  std::vector<std::string> alive;
  bool leader_alive = false;
  for (const v1::ReplicaInfo& r : partition.replicas()) {
    if (!r.is_alive()) continue;
    ++check->alive;
    alive.push_back(r.endpoint());
    if (r.endpoint() == partition.leader()) leader_alive = true;
  }
  if (partition.leader().empty()) return "no leader";
  if (!leader_alive) return "its leader " + partition.leader() + " is not alive";
  auto leader = answers.find(partition.leader());
  if (leader == answers.end()) return "its leader " + partition.leader() + " did not answer";
  const v1::ReplicaStatus& l = leader->second;
  if (l.role() != v1::LEADER || l.term() != partition.term()) {
    return partition.leader() + " does not lead at term " + std::to_string(partition.term());
  }
  check->last_offset = l.last_offset();
  check->record_count = l.record_count();
  for (const std::string& endpoint : alive) {
    auto it = answers.find(endpoint);
    if (it == answers.end()) return "the replica on " + endpoint + " did not answer";
    const v1::ReplicaStatus& s = it->second;
    if (s.last_term() != l.last_term() || s.last_offset() != l.last_offset()) {
      return "the replica on " + endpoint + " is at " + At(s) + ", the leader at " + At(l);
    }
    if (s.applied_offset() != s.last_offset()) {
      return "the replica on " + endpoint + " applied " + std::to_string(s.applied_offset()) + " of " +
             std::to_string(s.last_offset());
    }
    if (s.content_checksum() != l.content_checksum()) {
      return "the replica on " + endpoint + " holds other content than the leader at offset " +
             std::to_string(s.last_offset()) + " (content checksums differ)";
    }
  }
  if (check->alive < check->replica_count) {
    return std::to_string(check->alive) + " of " + std::to_string(check->replica_count) + " replicas alive";
  }
  return "";
}

Result<VerifyReport> Verify(client::Client& client, const VerifyOptions& options) {
  const auto deadline = std::chrono::steady_clock::now() + options.settle;
  while (true) {
    std::vector<v1::TableInfo> tables;
    if (options.tables.empty()) {
      KV_ASSIGN_OR_RETURN(tables, client.ShowTable());
    } else {
      for (const std::string& name : options.tables) {
        KV_ASSIGN_OR_RETURN(std::vector<v1::TableInfo> one, client.ShowTable(name));
        tables.insert(tables.end(), one.begin(), one.end());
      }
    }
    std::set<std::string> endpoints;
    for (const v1::TableInfo& t : tables) {
      for (const v1::PartitionInfo& p : t.partitions()) {
        for (const v1::ReplicaInfo& r : p.replicas()) endpoints.insert(r.endpoint());
      }
    }
    // (tid, pid) -> endpoint -> status. A tablet that does not answer leaves
    // its replicas out, which the check names.
    std::map<std::pair<uint32_t, uint32_t>, std::map<std::string, v1::ReplicaStatus>> answers;
    for (const std::string& endpoint : endpoints) {
      auto statuses = client.TabletStatus(endpoint, /*with_checksum=*/true);
      if (!statuses.ok()) continue;
      for (const v1::ReplicaStatus& s : *statuses) {
        answers[{s.partition().tid(), s.partition().pid()}][endpoint] = s;
      }
    }
    VerifyReport report;
    for (const v1::TableInfo& t : tables) {
      for (const v1::PartitionInfo& p : t.partitions()) {
        PartitionCheck check;
        check.problem = CheckPartition(t, p, answers[{t.tid(), p.pid()}], &check);
        report.partitions.push_back(std::move(check));
      }
    }
    if (report.Undone() == 0 || std::chrono::steady_clock::now() >= deadline) return report;
    std::this_thread::sleep_for(kAskAgain);
  }
}

}  // namespace kv::recover
