// The nameserver's logic, without the network: metadata in memory and in the
// MetaStore, tablets' liveness, tables' placement. The gRPC service
// (nameserver_service.h) and the process (nameserver_process.h) wrap it.
//
// Rules it keeps:
// - Every change is written to the MetaStore before it is acted on or
//   answered; a write that finds the store changed by someone else means this
//   nameserver is no longer the active one, and it stops serving.
// - It serves only while active: from Activate() (which reloads everything
//   from the store) until Deactivate() or a lost write.
// - A lease goes only to a live leader replica of a normal table, at the
//   partition's current term (invariant 4, docs/cluster.md).
//
// Thread-safe. One lock guards the state and is never held across a call to a
// tablet; table creation and removal are serialized among themselves.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cluster/meta/meta_store.h"
#include "cluster/nameserver/cluster_config.h"
#include "cluster/nameserver/meta_repository.h"
#include "cluster/nameserver/table_meta.h"
#include "cluster/nameserver/tablet_client.h"
#include "cluster/nameserver/tablet_meta.h"
#include "cluster/proto/kv.pb.h"
#include "common/status.h"

namespace kv::ns {

struct NameServerTiming {
  // No heartbeat for this long: the tablet is kTabletOffline.
  std::chrono::milliseconds tablet_offline_timeout{1000};
  // Granted with every heartbeat; must be shorter than the offline timeout.
  std::chrono::milliseconds lease{800};
  // What tablets are told to use.
  std::chrono::milliseconds heartbeat_interval{100};
  // Deadline of every call to a tablet.
  std::chrono::milliseconds tablet_rpc_timeout{5000};
};

// InvalidArgument unless every duration is positive and lease < offline timeout.
Status ValidateTiming(const NameServerTiming& timing);

class NameServer {
 public:
  // store must outlive the NameServer.
  NameServer(meta::MetaStore* store, NameServerTiming timing);

  // Reloads all metadata from the store and starts serving. Tablets loaded
  // from the store get one offline timeout from now to heartbeat.
  Status Activate();
  // Stops serving (leadership lost); the metadata in memory is dropped.
  void Deactivate();
  bool IsActive() const;

  // Tablets.
  Result<v1::RegisterTabletResponse> RegisterTablet(const v1::RegisterTabletRequest& request);
  Result<v1::HeartbeatResponse> Heartbeat(const v1::HeartbeatRequest& request);
  // The failure detector: marks silent tablets offline and heard-from ones
  // healthy again. The process calls it every heartbeat interval.
  void CheckTablets();

  // Tables.
  Result<v1::TableInfo> CreateTable(const v1::CreateTableRequest& request);
  Status DropTable(const std::string& name);
  // Every table when name is empty; NotFound for an unknown name.
  Result<std::vector<v1::TableInfo>> ShowTable(const std::string& name) const;
  Result<std::vector<v1::TabletInfo>> ShowTablet() const;

  // Config: every key when key is empty.
  Result<std::map<std::string, std::string>> ConfGet(const std::string& key) const;
  Status ConfSet(const std::string& key, const std::string& value);

 private:
  using Clock = std::chrono::steady_clock;
  using PartitionKey = std::pair<uint32_t, uint32_t>;  // tid, pid

  struct TabletEntry {
    TabletMeta meta;
    // Monotonic; nullopt until the first heartbeat since activation.
    std::optional<Clock::time_point> last_heartbeat;
    // Silence is counted from here while nothing was heard.
    Clock::time_point watched_since;
    // The replicas the tablet reported in its last heartbeat.
    std::map<PartitionKey, v1::ReplicaStatus> reported;
  };

  // Wall clock, ms since the epoch: for times persisted and shown.
  static uint64_t WallClockMs();

  // All below: mu_ held.
  Status CheckActiveLocked() const;
  // Passes a store write's outcome on; Aborted (someone else wrote: this
  // nameserver was replaced) also deactivates.
  Status PersistedLocked(const Status& written);
  void RecordHeartbeatLocked(TabletEntry& tablet, const v1::HeartbeatRequest& request);
  std::vector<v1::LeaseGrant> LeasesLocked(const std::string& endpoint) const;
  v1::TableInfo TableInfoLocked(const TableMeta& table) const;
  std::vector<std::string> HealthyTabletsLocked() const;
  Status SetTabletStateLocked(TabletEntry& tablet, TabletState state);

  // The places where a change of a tablet's state turns into actions on the
  // cluster (issue 5's failover and recovery belong here). mu_ held.
  // Offline: its replicas are marked is_alive=no (persisted), then the tablet.
  Status OnTabletOfflineLocked(TabletEntry& tablet);
  // Back: the tablet is healthy again; its replicas stay is_alive=no until a
  // recovery brings them back.
  Status OnTabletBackLocked(TabletEntry& tablet);

  // Tables. *Locked: mu_ held; the others: admin_mu_ held, mu_ not (they call tablets).
  struct ReplicaRef {
    std::string endpoint;
    v1::PartitionId partition;
  };
  static std::vector<ReplicaRef> AllReplicas(const TableMeta& table);
  // Validates against the cluster, allocates the tid, places and persists the
  // table as kTableCreating.
  Result<TableMeta> PlanTableLocked(const v1::CreateTableRequest& request);
  // Appends each replica it created to created.
  Status CreateReplicas(const TableMeta& table, std::vector<ReplicaRef>* created);
  // Drops the created replicas and deletes the metadata; when that fails,
  // keeps the table as kTableCreateFailed. Returns failure, explained.
  Status RollBackCreate(const TableMeta& table, const std::vector<ReplicaRef>& created, const Status& failure);
  // DropReplica(keep_data) on each; a replica already gone counts as dropped.
  Status DropReplicas(const std::vector<ReplicaRef>& replicas);
  // Persists the state change; returns the table as it is now.
  Result<TableMeta> SetTableStateLocked(const std::string& name, TableState state);
  Status DeleteTableLocked(const std::string& name);

  const NameServerTiming timing_;
  TabletClient tablets_client_;
  std::mutex admin_mu_;  // one CreateTable / DropTable at a time

  mutable std::mutex mu_;
  bool active_ = false;
  MetaRepository repository_;
  std::map<std::string, TableMeta> tables_;
  std::map<std::string, TabletEntry> tablets_;
  ClusterConfig config_;
};

}  // namespace kv::ns
