// Tablets: registration, heartbeats and leases, and the failure detector.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "cluster/nameserver/leader_choice.h"
#include "cluster/nameserver/nameserver.h"

namespace kv::ns {

namespace {

Status ValidateEndpoint(const std::string& endpoint) {
  if (endpoint.empty() || endpoint.find('/') != std::string::npos) {
    return Status::InvalidArgument("tablet endpoint '" + endpoint + "' is not host:port");
  }
  return Status::OK();
}

}  // namespace

Result<v1::RegisterTabletResponse> NameServer::RegisterTablet(const v1::RegisterTabletRequest& request) {
  const std::string& endpoint = request.endpoint();
  KV_RETURN_IF_ERROR(ValidateEndpoint(endpoint));
  std::lock_guard lock(mu_);
  KV_RETURN_IF_ERROR(CheckActiveLocked());
  const uint64_t now_ms = WallClockMs();
  auto it = tablets_.find(endpoint);
  if (it != tablets_.end() && it->second.meta.incarnation != 0 && request.incarnation() != 0 &&
      it->second.meta.incarnation != request.incarnation()) {
    // Before the new incarnation is persisted: when this fails, the tablet
    // registers again and is still recognised as restarted.
    KV_RETURN_IF_ERROR(OnTabletRestartedLocked(it->second, request.incarnation()));
  }
  TabletMeta meta = it == tablets_.end()
                        ? TabletMeta{.endpoint = endpoint, .state_changed_at_ms = now_ms}
                        : it->second.meta;
  if (!meta.tablet_id.empty() && meta.tablet_id != request.tablet_id()) {
    spdlog::warn("tablet {} registers with id {} (was {}): another data dir now answers there", endpoint,
                 request.tablet_id(), meta.tablet_id);
  }
  meta.tablet_id = request.tablet_id();
  meta.data_dir = request.data_dir();
  meta.incarnation = request.incarnation();
  meta.registered_at_ms = now_ms;
  KV_RETURN_IF_ERROR(PersistedLocked(repository_.SaveTablet(meta)));
  if (it == tablets_.end()) {
    it = tablets_.emplace(endpoint, TabletEntry{.meta = meta}).first;
    spdlog::info("tablet {} registered (id {}, data dir {})", endpoint, meta.tablet_id, meta.data_dir);
    balance_rounds_left_ = kAutoBalanceRounds;  // a scale-out: auto_balance spreads the load
  }
  it->second.meta = std::move(meta);
  it->second.last_heartbeat = now_();

  v1::RegisterTabletResponse response;
  response.set_heartbeat_interval_ms(static_cast<uint32_t>(timing_.heartbeat_interval.count()));
  return response;
}

Result<v1::HeartbeatResponse> NameServer::Heartbeat(const v1::HeartbeatRequest& request) {
  std::lock_guard lock(mu_);
  KV_RETURN_IF_ERROR(CheckActiveLocked());
  v1::HeartbeatResponse response;
  auto it = tablets_.find(request.endpoint());
  // Another incarnation than the one registered: a late beat of a process
  // that is gone, or a tablet registered before it sent one. It must not
  // keep a lease alive or report replicas for the process registered now.
  if (it == tablets_.end() || it->second.meta.incarnation != request.incarnation()) {
    response.set_reregister(true);
    return response;
  }
  RecordHeartbeatLocked(it->second, request);
  response.set_lease_ms(static_cast<uint32_t>(timing_.lease.count()));
  for (v1::LeaseGrant& grant : LeasesLocked(request.endpoint())) *response.add_leases() = std::move(grant);
  return response;
}

void NameServer::RecordHeartbeatLocked(TabletEntry& tablet, const v1::HeartbeatRequest& request) {
  tablet.last_heartbeat = now_();
  std::map<PartitionKey, v1::ReplicaStatus> previous;
  previous.swap(tablet.reported);
  for (const v1::ReplicaStatus& replica : request.replicas()) {
    const PartitionKey key{replica.partition().tid(), replica.partition().pid()};
    // A replica that stopped writing (a leader then needs another) or writes
    // again (it can be recovered): auto_failover looks at once.
    auto before = previous.find(key);
    const bool could_write = before == previous.end() || CanWrite(before->second.state());
    if (could_write != CanWrite(replica.state())) {
      repairs_wanted_ = true;
      spdlog::log(CanWrite(replica.state()) ? spdlog::level::info : spdlog::level::warn,
                  "tablet {}: replica {}_{} {}{}", tablet.meta.endpoint, key.first, key.second,
                  CanWrite(replica.state()) ? "writes again" : "cannot write: ", replica.state_reason());
      // Not alive (left out by a leader change, or a recovery that failed
      // while it could not write): recovered again now that it can.
      if (CanWrite(replica.state()) && tablet.meta.Usable()) {
        for (const auto& [name, table] : tables_) {
          if (table.tid != key.first || key.second >= table.partitions.size()) continue;
          const ReplicaMeta* in_meta = table.partitions[key.second].FindReplica(tablet.meta.endpoint);
          if (in_meta != nullptr && !in_meta->is_alive) recover_pending_.insert({name, key.second, tablet.meta.endpoint});
        }
      }
    }
    tablet.reported[key] = replica;
  }
}

std::vector<v1::LeaseGrant> NameServer::LeasesLocked(const std::string& endpoint) const {
  std::vector<v1::LeaseGrant> grants;
  if (tablets_.at(endpoint).meta.state != TabletState::kHealthy) return grants;
  for (const auto& [name, table] : tables_) {
    if (table.state != TableState::kNormal) continue;
    for (const PartitionMeta& partition : table.partitions) {
      if (partition.leader != endpoint) continue;
      const ReplicaMeta* leader = partition.FindReplica(endpoint);
      if (leader == nullptr || !leader->is_alive) continue;
      v1::LeaseGrant& grant = grants.emplace_back();
      grant.mutable_partition()->set_tid(table.tid);
      grant.mutable_partition()->set_pid(partition.pid);
      grant.set_term(partition.term);
    }
  }
  return grants;
}

void NameServer::CheckTablets() {
  std::lock_guard lock(mu_);
  if (!active_) return;
  const Clock::time_point now = now_();
  if (last_check_ && now - *last_check_ > timing_.tablet_offline_timeout / 2) {
    // The heartbeats of that gap could not be answered either, and those sent
    // during it may still be queued: the tablets get a full offline timeout
    // from now, as at activation, and no leader moves for the stall.
    spdlog::warn("failure detector: {} ms since its last check: the nameserver itself was not running "
                 "(a stall, a VM pause, swapping); tablets are judged again after a heartbeat round",
                 std::chrono::duration_cast<std::chrono::milliseconds>(now - *last_check_).count());
    for (auto& [endpoint, tablet] : tablets_) tablet.watched_since = now;
  }
  last_check_ = now;
  for (auto& [endpoint, tablet] : tablets_) {
    const Clock::time_point heard =
        tablet.last_heartbeat ? std::max(*tablet.last_heartbeat, tablet.watched_since) : tablet.watched_since;
    const bool heard_lately = tablet.last_heartbeat && now - *tablet.last_heartbeat <= timing_.tablet_offline_timeout;
    Status changed;
    if (tablet.meta.state == TabletState::kHealthy && now - heard > timing_.tablet_offline_timeout) {
      spdlog::warn("tablet {}: no heartbeat for over {} ms: marking it {}", endpoint,
                   timing_.tablet_offline_timeout.count(), TabletStateName(TabletState::kOffline));
      changed = OnTabletOfflineLocked(tablet);
    } else if (tablet.meta.state == TabletState::kOffline && heard_lately) {
      changed = OnTabletBackLocked(tablet);
    }
    // Not recorded, so the next check tries again.
    if (!changed.ok()) spdlog::error("tablet {}: {}", endpoint, changed.message());
    if (!active_) return;
  }
  FinishRecoveryLocked();
  SweepRepairsLocked(now);
  AutoRepairLocked();
  ReReplicateLocked();
  DropLeftoversLocked();
  AutoBalanceLocked();
}

Status NameServer::ChangeTabletLocked(TabletEntry& tablet, const std::function<void(TabletMeta&)>& change) {
  TabletMeta meta = tablet.meta;
  change(meta);
  KV_RETURN_IF_ERROR(PersistedLocked(repository_.SaveTablet(meta)));
  tablet.meta = std::move(meta);
  return Status::OK();
}

Status NameServer::SetTabletStateLocked(TabletEntry& tablet, TabletState state) {
  return ChangeTabletLocked(tablet, [&](TabletMeta& meta) {
    meta.state = state;
    meta.state_changed_at_ms = WallClockMs();
  });
}

Status NameServer::SetTakenOfflineLocked(TabletEntry& tablet, bool taken) {
  if (tablet.meta.taken_offline == taken) return Status::OK();
  KV_RETURN_IF_ERROR(ChangeTabletLocked(tablet, [&](TabletMeta& meta) { meta.taken_offline = taken; }));
  spdlog::info("tablet {} {}", tablet.meta.endpoint,
               taken ? "taken offline by offlineendpoint: auto_failover, placement and balance leave it alone"
                     : "back in use (recoverendpoint)");
  return Status::OK();
}

Status NameServer::OnTabletOfflineLocked(TabletEntry& tablet) {
  const std::string& endpoint = tablet.meta.endpoint;
  for (auto& [name, table] : tables_) {
    TableMeta updated = table;
    bool touched = false;
    for (PartitionMeta& partition : updated.partitions) {
      for (ReplicaMeta& replica : partition.replicas) {
        if (replica.endpoint != endpoint || !replica.is_alive) continue;
        replica.is_alive = false;
        touched = true;
      }
    }
    if (!touched) continue;
    KV_RETURN_IF_ERROR(PersistedLocked(repository_.SaveTable(updated)));
    table = std::move(updated);
  }
  KV_RETURN_IF_ERROR(SetTabletStateLocked(tablet, TabletState::kOffline));
  std::erase_if(recover_pending_, [&](const auto& entry) { return std::get<2>(entry) == endpoint; });
  std::erase_if(readd_submitted_, [&](const auto& entry) { return std::get<2>(entry) == endpoint; });
  // auto_failover: the partitions it led get a new leader (AutoRepairLocked,
  // at the end of this check: it submits ops and never calls a tablet).
  repairs_wanted_ = true;
  return Status::OK();
}

Status NameServer::OnTabletBackLocked(TabletEntry& tablet) {
  KV_RETURN_IF_ERROR(SetTabletStateLocked(tablet, TabletState::kHealthy));
  spdlog::info("tablet {} is heartbeating again: {}; its replicas stay is_alive=no until they are recovered",
               tablet.meta.endpoint, TabletStateName(TabletState::kHealthy));
  // auto_failover: its replicas are recovered, and partitions left without a
  // leader for want of a majority get one (AutoRepairLocked).
  QueueRecoveryLocked(tablet.meta.endpoint);
  QueueLeftoversLocked(tablet);
  std::erase_if(readd_submitted_, [&](const auto& entry) { return std::get<2>(entry) == tablet.meta.endpoint; });
  repairs_wanted_ = true;
  return Status::OK();
}

Status NameServer::OnTabletRestartedLocked(TabletEntry& tablet, uint64_t incarnation) {
  const std::string& endpoint = tablet.meta.endpoint;
  if (tablet.meta.state != TabletState::kHealthy) {
    // Already judged down: its heartbeats bring it back as usual.
    spdlog::info("tablet {} restarted (incarnation {}, was {}) while {}", endpoint, incarnation,
                 tablet.meta.incarnation, TabletStateName(tablet.meta.state));
    return Status::OK();
  }
  spdlog::warn("tablet {} restarted (incarnation {}, was {}) before failure detection noticed: its replicas "
               "came back without a role; handling it as a tablet that went offline and came back",
               endpoint, incarnation, tablet.meta.incarnation);
  KV_RETURN_IF_ERROR(OnTabletOfflineLocked(tablet));
  return OnTabletBackLocked(tablet);
}

}  // namespace kv::ns
