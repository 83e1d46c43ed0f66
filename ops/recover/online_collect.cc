#include "ops/recover/online_collect.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "cluster/client/kv_client.h"
#include "cluster/proto/enum_names.h"
#include "ops/recover/offline_report.h"

namespace kv::recover {
namespace {

// The collection leaves a role it does not know empty.
std::string RoleOf(v1::Role role) {
  return role == v1::LEADER || role == v1::FOLLOWER ? names::RoleName(role) : "";
}

Result<std::unique_ptr<client::Client>> ConnectWith(const std::vector<std::string>& nameservers,
                                                    std::chrono::milliseconds overall) {
  client::ClientOptions options;
  options.nameservers = nameservers;
  options.retry.overall = overall;
  options.retry.per_rpc = std::min(options.retry.per_rpc, overall);
  return client::Client::Connect(std::move(options));
}

void AddTable(const v1::TableInfo& t, Collection* c) {
  c->tables.push_back({t.name(), t.tid(), t.partition_count(), t.replica_count(), t.acks() != v1::ACKS_LEADER,
                       "nameserver", t.wal_level(), t.wal_fsync_period_ms()});
  for (const v1::PartitionInfo& p : t.partitions()) {
    Placement placement{t.name(), t.tid(), p.pid(), p.term(), p.leader(), {}};
    for (const v1::ReplicaInfo& r : p.replicas()) placement.replicas.push_back({r.endpoint(), r.is_alive()});
    c->placements.push_back(std::move(placement));
  }
}

// A table the nameserver does not know (its metadata was lost), as its
// replicas keep its settings; the nameserver's own settings win (AddTable
// runs first, and a table it knows is left alone).
void InferTable(const v1::ReplicaStatus& s, Collection* c) {
  if (!s.has_settings() || s.table_name().empty()) return;
  const uint32_t tid = s.partition().tid();
  auto it = std::find_if(c->tables.begin(), c->tables.end(), [&](const TableSettings& t) { return t.tid == tid; });
  if (it == c->tables.end()) {
    c->tables.push_back({s.table_name(), tid, 0, 0, true, "replicas"});
    it = c->tables.end() - 1;
  }
  if (it->source != "replicas") return;
  const v1::ReplicaTableSettings& kept = s.settings();
  AddReplicaSettings(s.partition().pid(),
                     KeptSettings{.replica_count = kept.replica_count(),
                                  .partition_count = kept.partition_count(),
                                  .acks_majority = kept.acks() != v1::ACKS_LEADER,
                                  .wal_level = kept.wal_level() == 0 ? 1 : kept.wal_level(),
                                  .wal_fsync_period_ms = kept.wal_fsync_period_ms()},
                     &*it);
}

// One answered tablet into the collection. A replica being loaded has no
// position yet: the tablet is then not counted as covered, so the plan leaves
// that replica as not collected instead of rebuilding it.
void AddTablet(const std::string& endpoint, const std::vector<v1::ReplicaStatus>& statuses, Collection* c) {
  bool loading = false;
  for (const v1::ReplicaStatus& s : statuses) {
    if (s.state() == v1::TABLE_LOADING) {
      loading = true;
      c->notes.push_back("tablet " + endpoint + " is still loading " + std::to_string(s.partition().tid()) + "_" +
                         std::to_string(s.partition().pid()) + ": not collected");
      continue;
    }
    CollectedReplica r;
    r.table = s.table_name();
    r.tid = s.partition().tid();
    r.pid = s.partition().pid();
    r.endpoint = endpoint;
    r.last = {s.last_term(), s.last_offset()};
    r.applied_offset = s.applied_offset();
    r.role = RoleOf(s.role());
    r.source = Source::kOnline;
    r.origin = "GetStatus";
    if (s.state() == v1::TABLE_OPEN_FAILED) {
      // The tablet looked at the folder when it failed to open, as `inspect
      // tablet` would: its health is read from the same findings.
      std::vector<std::pair<std::string, std::string>> findings;
      for (const std::string& kind : s.findings()) findings.emplace_back(kind, s.state_reason());
      const HealthVerdict verdict = HealthFromFindings(findings);
      r.health = verdict.health == Health::kOk ? Health::kUnreadable : verdict.health;
      r.reason = "failed to open: " + s.state_reason();
    }
    c->replicas.push_back(std::move(r));
    InferTable(s, c);
  }
  if (!loading) c->tablets.push_back({endpoint, "", Source::kOnline, "GetStatus"});
}

}  // namespace

Result<Collection> CollectOnline(const OnlineCollectOptions& options) {
  if (options.max_concurrency == 0) return Status::InvalidArgument("the concurrency bound must be at least 1");
  KV_ASSIGN_OR_RETURN(auto admin, ConnectWith(options.nameservers, options.nameserver_timeout));
  KV_ASSIGN_OR_RETURN(std::vector<v1::TableInfo> tables, admin->ShowTable());
  KV_ASSIGN_OR_RETURN(std::vector<v1::TabletInfo> registered, admin->ShowTablet());

  Collection c;
  c.nameservers = options.nameservers;
  c.collected = options.collected;
  std::set<std::string> endpoints;
  for (const v1::TabletInfo& t : registered) endpoints.insert(t.endpoint());
  for (const v1::TableInfo& t : tables) {
    AddTable(t, &c);
    for (const v1::PartitionInfo& p : t.partitions()) {
      for (const v1::ReplicaInfo& r : p.replicas()) endpoints.insert(r.endpoint());
    }
  }

  // Every tablet at once (up to the bound), each call bounded by its own deadline.
  KV_ASSIGN_OR_RETURN(auto tablets, ConnectWith(options.nameservers, options.tablet_deadline));
  const std::vector<std::string> order(endpoints.begin(), endpoints.end());
  std::vector<Result<std::vector<v1::ReplicaStatus>>> answers(order.size(), Status::Aborted("not asked"));
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < order.size(); i = next++) {
      answers[i] = tablets->TabletStatus(order[i], /*with_checksum=*/false);
      if (options.progress) options.progress(order[i], answers[i].status());
    }
  };
  std::vector<std::thread> workers;
  for (size_t n = 0; n < std::min(options.max_concurrency, order.size()); ++n) workers.emplace_back(worker);
  for (std::thread& t : workers) t.join();

  for (size_t i = 0; i < order.size(); ++i) {
    if (answers[i].ok()) {
      AddTablet(order[i], *answers[i], &c);
    } else {
      c.unreachable.push_back(order[i] + ": " + answers[i].status().message());
    }
  }
  c.partial = !c.unreachable.empty();
  return c;
}

}  // namespace kv::recover
