// Activation, config and the read-only views. Tablets: nameserver_tablets.cc;
// tables: nameserver_tables.cc.
#include "cluster/nameserver/nameserver.h"

#include <spdlog/spdlog.h>

namespace kv::ns {

Status ValidateTiming(const NameServerTiming& t) {
  for (auto [name, value] : {std::pair{"tablet offline timeout", t.tablet_offline_timeout},
                             std::pair{"lease", t.lease}, std::pair{"heartbeat interval", t.heartbeat_interval},
                             std::pair{"tablet RPC timeout", t.tablet_rpc_timeout},
                             std::pair{"catch-up timeout", t.catch_up_timeout},
                             std::pair{"repair sweep interval", t.repair_sweep_interval}}) {
    if (value.count() <= 0) return Status::InvalidArgument(std::string(name) + " must be positive");
  }
  // Invariant 4: a paused leader's lease must run out before the nameserver
  // gives up on it and lets another replica lead.
  if (t.lease >= t.tablet_offline_timeout) {
    return Status::InvalidArgument("lease (" + std::to_string(t.lease.count()) +
                                   " ms) must be shorter than the tablet offline timeout (" +
                                   std::to_string(t.tablet_offline_timeout.count()) +
                                   " ms), or a paused leader could still write after it is replaced");
  }
  if (t.heartbeat_interval >= t.lease) {
    return Status::InvalidArgument("heartbeat interval (" + std::to_string(t.heartbeat_interval.count()) +
                                   " ms) must be shorter than the lease (" + std::to_string(t.lease.count()) +
                                   " ms), or leaders lose their lease between heartbeats");
  }
  return Status::OK();
}

NameServer::NameServer(meta::MetaStore* store, NameServerTiming timing, MonotonicNow now)
    : timing_(timing),
      now_(std::move(now)),
      tablets_client_(timing.tablet_rpc_timeout),
      repository_(store),
      store_(store),
      executor_(std::make_unique<Executor>(this)) {}

NameServer::~NameServer() { Deactivate(); }

uint64_t NameServer::WallClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status NameServer::Activate() {
  {
    std::shared_ptr<op::OpRunner> previous;
    {
      std::lock_guard lock(mu_);
      previous = TakeRunnerLocked();
    }
  }  // the previous runner (if any) is gone before the metadata is reloaded
  KV_RETURN_IF_ERROR(LoadMetadata());
  Status started = StartOps();
  if (!started.ok()) {
    // Not serving without ops: the process loop activates again.
    std::lock_guard lock(mu_);
    active_ = false;
  }
  return started;
}

Status NameServer::LoadMetadata() {
  std::lock_guard lock(mu_);
  active_ = false;
  tables_.clear();
  tablets_.clear();
  config_ = ClusterConfig();
  last_check_.reset();
  KV_ASSIGN_OR_RETURN(ClusterMetadata loaded, repository_.LoadAll());
  const Clock::time_point now = now_();
  for (TableMeta& table : loaded.tables) {
    if (table.state != TableState::kNormal) {
      spdlog::warn("table {} is {}: drop it to clean up", table.name, TableStateName(table.state));
    }
    const std::string name = table.name;
    tables_.emplace(name, std::move(table));
  }
  for (TabletMeta& tablet : loaded.tablets) {
    const std::string endpoint = tablet.endpoint;
    tablets_.emplace(endpoint, TabletEntry{.meta = std::move(tablet), .watched_since = now});
  }
  config_ = std::move(loaded.config);
  recovery_ = std::move(loaded.recovery);
  active_ = true;
  // Whatever broke while no nameserver was active.
  recover_pending_.clear();
  for (const auto& [endpoint, tablet] : tablets_) {
    if (tablet.meta.state == TabletState::kHealthy) QueueRecoveryLocked(endpoint);
  }
  repairs_wanted_ = true;
  last_sweep_ = now;
  spdlog::info("active: {} tables, {} tablets loaded from the metadata store", tables_.size(), tablets_.size());
  return Status::OK();
}

void NameServer::Deactivate() {
  std::shared_ptr<op::OpRunner> runner;
  {
    std::lock_guard lock(mu_);
    if (active_) spdlog::warn("no longer serving as the active nameserver");
    active_ = false;
    tables_.clear();
    tablets_.clear();
    recovery_.reset();
    runner = TakeRunnerLocked();
  }
  runner.reset();  // outside mu_: it waits for running tasks, which take mu_
}

bool NameServer::IsActive() const {
  std::lock_guard lock(mu_);
  return active_;
}

Status NameServer::CheckActiveLocked() const {
  if (active_) return Status::OK();
  return Status::FailedPrecondition("this nameserver is not the active one");
}

Status NameServer::PersistedLocked(const Status& written) {
  if (written.code() == Status::Code::kAborted) {
    spdlog::error("{}", written.message());
    active_ = false;
  }
  return written;
}

Result<std::map<std::string, std::string>> NameServer::ConfGet(const std::string& key) const {
  std::lock_guard lock(mu_);
  KV_RETURN_IF_ERROR(CheckActiveLocked());
  if (key.empty()) return config_.All();
  KV_ASSIGN_OR_RETURN(std::string value, config_.Get(key));
  return std::map<std::string, std::string>{{key, value}};
}

Status NameServer::ConfSet(const std::string& key, const std::string& value) {
  KV_ASSIGN_OR_RETURN(std::string canonical, ClusterConfig::Validate(key, value));
  std::lock_guard lock(mu_);
  KV_RETURN_IF_ERROR(CheckActiveLocked());
  KV_RETURN_IF_ERROR(PersistedLocked(repository_.SaveConfig(key, canonical)));
  config_.Set(key, canonical);
  repairs_wanted_ = true;  // auto_failover may have just been turned on
  readd_submitted_.clear();  // a new replica_down_timeout_ms: re-adds that failed may be tried again
  balance_rounds_left_ = kAutoBalanceRounds;  // auto_balance may have just been turned on
  spdlog::info("config {} = {}", key, canonical);
  return Status::OK();
}

v1::TableInfo NameServer::TableInfoLocked(const TableMeta& table) const {
  v1::TableInfo info;
  info.set_name(table.name);
  info.set_tid(table.tid);
  info.set_state(std::string(TableStateName(table.state)));
  info.set_partition_count(static_cast<uint32_t>(table.partitions.size()));
  info.set_replica_count(table.replica_count);
  info.set_acks(table.acks);
  info.set_wal_level(table.wal_level);
  info.set_wal_fsync_period_ms(table.wal_fsync_period_ms);
  for (const PartitionMeta& partition : table.partitions) {
    v1::PartitionInfo* p = info.add_partitions();
    p->set_pid(partition.pid);
    p->set_term(partition.term);
    p->set_leader(partition.leader);
    for (const ReplicaMeta& replica : partition.replicas) {
      v1::ReplicaInfo* r = p->add_replicas();
      r->set_endpoint(replica.endpoint);
      r->set_role(replica.role);
      r->set_is_alive(replica.is_alive);
      auto tablet = tablets_.find(replica.endpoint);
      if (tablet == tablets_.end()) continue;
      auto reported = tablet->second.reported.find({table.tid, partition.pid});
      if (reported == tablet->second.reported.end()) continue;
      r->set_offset(reported->second.last_offset());
      r->set_record_count(reported->second.record_count());
      r->set_state(reported->second.state());
      r->set_state_reason(reported->second.state_reason());
    }
  }
  return info;
}

Result<std::vector<v1::TableInfo>> NameServer::ShowTable(const std::string& name) const {
  std::lock_guard lock(mu_);
  KV_RETURN_IF_ERROR(CheckActiveLocked());
  std::vector<v1::TableInfo> out;
  if (name.empty()) {
    for (const auto& [table_name, table] : tables_) out.push_back(TableInfoLocked(table));
    return out;
  }
  auto it = tables_.find(name);
  if (it == tables_.end()) return Status::NotFound("table " + name + " does not exist");
  out.push_back(TableInfoLocked(it->second));
  return out;
}

Result<std::vector<v1::TabletInfo>> NameServer::ShowTablet() const {
  std::lock_guard lock(mu_);
  KV_RETURN_IF_ERROR(CheckActiveLocked());
  const uint64_t now_ms = WallClockMs();
  const Clock::time_point now = now_();
  std::vector<v1::TabletInfo> out;
  for (const auto& [endpoint, tablet] : tablets_) {
    v1::TabletInfo& info = out.emplace_back();
    info.set_endpoint(endpoint);
    info.set_state(std::string(TabletStateName(tablet.meta.state)));
    info.set_taken_offline(tablet.meta.taken_offline);
    const uint64_t since = tablet.meta.state_changed_at_ms;
    info.set_age_ms(now_ms > since ? now_ms - since : 0);
    const Clock::time_point heard = tablet.last_heartbeat.value_or(tablet.watched_since);
    info.set_last_heartbeat_ms_ago(std::chrono::duration_cast<std::chrono::milliseconds>(now - heard).count());
  }
  return out;
}

}  // namespace kv::ns
