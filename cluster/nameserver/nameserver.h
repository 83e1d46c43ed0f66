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
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "cluster/meta/meta_store.h"
#include "cluster/nameserver/cluster_config.h"
#include "cluster/nameserver/meta_repository.h"
#include "cluster/nameserver/table_meta.h"
#include "cluster/nameserver/tablet_client.h"
#include "cluster/nameserver/tablet_meta.h"
#include "cluster/op/op.h"
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
  // How long one attempt of an op's kWaitCatchUp waits for a follower to
  // reach the leader's offset (the op retries it, with backoff).
  std::chrono::milliseconds catch_up_timeout{30000};
  // auto_failover looks at every partition again this often, as at
  // activation (SweepRepairsLocked): the safety net for a trigger that was
  // lost, e.g. a failover refused while a recovery held the partition, and
  // that recovery then failed because the leader went away.
  std::chrono::milliseconds repair_sweep_interval{5000};
};

// InvalidArgument unless every duration is positive and lease < offline timeout.
Status ValidateTiming(const NameServerTiming& timing);

// The monotonic clock heartbeats and the failure detector are measured on;
// tests jump it forward to play a nameserver that was not running.
using MonotonicNow = std::function<std::chrono::steady_clock::time_point()>;

class NameServer {
 public:
  // auto_balance rounds after one trigger (a new tablet, confset).
  static constexpr int kAutoBalanceRounds = 32;

  // store must outlive the NameServer.
  NameServer(meta::MetaStore* store, NameServerTiming timing, MonotonicNow now = std::chrono::steady_clock::now);
  // Stops the op runner first: its tasks call back into this object.
  ~NameServer();

  // Reloads all metadata from the store and starts serving. Tablets loaded
  // from the store get one offline timeout from now to heartbeat. Then takes
  // a new op epoch and resumes every unfinished op (admin commands that
  // submit ops are refused until that is done).
  Status Activate();
  // Stops serving (leadership lost); the metadata in memory is dropped and
  // the op runner destroyed (its running tasks are asked to stop).
  void Deactivate();
  bool IsActive() const;

  // Tablets.
  Result<v1::RegisterTabletResponse> RegisterTablet(const v1::RegisterTabletRequest& request);
  Result<v1::HeartbeatResponse> Heartbeat(const v1::HeartbeatRequest& request);
  // The failure detector: marks silent tablets offline and heard-from ones
  // healthy again. The process calls it every heartbeat interval. A check
  // that comes over half an offline timeout after the previous one means the
  // nameserver itself was not running (a stall): silence is then counted
  // again from that check, so a nameserver stall judges no tablet.
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

  // Ops (nameserver_ops.cc; README.md "Ops"). Each submits op(s) and returns
  // at once; refusals of single-partition commands are errors, one line.
  struct Submitted {
    std::vector<uint64_t> op_ids;
    std::vector<std::string> refused;  // partitions left out, and why
    bool resumed = false;              // RecoverData: some ops were submitted by an earlier call
  };
  Result<std::vector<op::Op>> ShowOpStatus(const op::OpFilter& filter);
  Status CancelOp(uint64_t id);
  Result<uint64_t> ChangeLeader(const std::string& table, uint32_t pid, const std::string& candidate);
  Result<uint64_t> RecoverTable(const std::string& table, uint32_t pid, const std::string& endpoint);
  Result<Submitted> UpdateTableAlive(const std::string& table, std::optional<uint32_t> pid,
                                     const std::string& endpoint, bool is_alive);
  Result<Submitted> OfflineEndpoint(const std::string& endpoint);
  Result<Submitted> RecoverEndpoint(const std::string& endpoint);
  // nameserver_replicas.cc. setreplicas: persists the table's replica_count
  // = n, then per partition a kAddReplicaOP or kDelReplicaOP to reach n.
  Result<Submitted> SetReplicas(const std::string& table, uint32_t n);
  // One balancer round (balance_plan.h): each move as a kMigrateOP or a
  // kChangeLeaderOP; moves describes them, in op_ids' order.
  struct Balanced {
    Submitted submitted;
    std::vector<std::string> moves;
  };
  Result<Balanced> Balance();
  // nameserver_recovery.cc (`ops recoverdata apply`, docs/recoverdata.md):
  // one kRecoverDataOP per partition under the recovery record, which turns
  // auto_failover off until every op is final. The same plan again submits
  // only what its ops do not cover yet (resumed); another plan while one runs
  // is FailedPrecondition; a request naming an unknown table or pid, or
  // another tid, is refused whole.
  Result<Submitted> RecoverData(const v1::RecoverDataRequest& request);
  struct Recovery {
    std::optional<v1::RecoveryInfo> current;
    std::optional<v1::RecoveryInfo> finished;  // plan_id's, when asked and finished
  };
  Result<Recovery> ShowRecovery(const std::string& plan_id);
  // The metadata lost: table put back as its replicas describe it (same
  // tid, replicas where they are, none alive, no leader), for RecoverData to
  // recover. FailedPrecondition when a table of that name or tid exists.
  Result<v1::TableInfo> RestoreTable(const v1::RestoreTableRequest& request);

 private:
  using Clock = std::chrono::steady_clock;
  using PartitionKey = std::pair<uint32_t, uint32_t>;  // tid, pid

  struct TabletEntry {
    TabletMeta meta;
    // Monotonic; nullopt until the first heartbeat since activation.
    std::optional<Clock::time_point> last_heartbeat;
    // Silence is counted from here at the earliest: activation, or the end
    // of a stall of the nameserver.
    Clock::time_point watched_since;
    // The replicas the tablet reported in its last heartbeat.
    std::map<PartitionKey, v1::ReplicaStatus> reported;
  };

  // Wall clock, ms since the epoch: for times persisted and shown.
  static uint64_t WallClockMs();

  // Activate's first half: the metadata from the store.
  Status LoadMetadata();

  // All below: mu_ held.
  Status CheckActiveLocked() const;
  // Passes a store write's outcome on; Aborted (someone else wrote: this
  // nameserver was replaced) also deactivates.
  Status PersistedLocked(const Status& written);
  void RecordHeartbeatLocked(TabletEntry& tablet, const v1::HeartbeatRequest& request);
  std::vector<v1::LeaseGrant> LeasesLocked(const std::string& endpoint) const;
  v1::TableInfo TableInfoLocked(const TableMeta& table) const;
  // The tablets that are kTabletHealthy and not taken offline (TabletMeta::Usable).
  std::vector<std::string> HealthyTabletsLocked() const;
  Status SetTabletStateLocked(TabletEntry& tablet, TabletState state);

  // The places where a change of a tablet's state turns into actions on the
  // cluster (issue 5's failover and recovery belong here). mu_ held.
  // Offline: its replicas are marked is_alive=no (persisted), then the tablet.
  Status OnTabletOfflineLocked(TabletEntry& tablet);
  // Back: the tablet is healthy again; its replicas stay is_alive=no until a
  // recovery brings them back.
  Status OnTabletBackLocked(TabletEntry& tablet);
  // RegisterTablet from another incarnation than the one known: a restarted
  // process, whose replicas came back without a role. A healthy tablet goes
  // offline and back at once, so its partitions get a leader and its
  // replicas a recovery as after any down and up.
  Status OnTabletRestartedLocked(TabletEntry& tablet, uint64_t incarnation);

  // Ops hosting (nameserver_ops.cc). The runner lives from the end of
  // Activate to Deactivate; a shared_ptr, so a caller holding a copy outside
  // mu_ keeps it alive and it is never destroyed under mu_ (its destructor
  // waits for tasks, which take mu_).
  class Executor : public op::OpExecutor {
   public:
    explicit Executor(NameServer* ns) : ns_(ns) {}
    Status RunTask(op::TaskContext& ctx) override { return ns_->RunOpTask(ctx); }

   private:
    NameServer* ns_;
  };
  Status StartOps();
  std::shared_ptr<op::OpRunner> TakeRunnerLocked();
  Result<std::shared_ptr<op::OpRunner>> RunnerLocked() const;
  Result<uint64_t> SubmitLocked(op::OpRunner& runner, op::Op op);
  // auto_failover, when repairs_wanted_ (set by tablet state changes,
  // activation, an op's successful end, confset): submits a failover for
  // every partition without a live leader on a healthy tablet, and a recovery
  // for every replica in recover_pending_. Never calls a tablet.
  void AutoRepairLocked();
  // Every repair_sweep_interval: queues the recovery of every not-alive
  // replica on a healthy tablet, and asks for an auto_failover round when a
  // partition needs a leader and a majority of its replicas are on usable
  // tablets, or a replica waits for recovery under a live leader. Partitions
  // that cannot be repaired now cause no op, so the sweep adds no failed ops.
  void SweepRepairsLocked(Clock::time_point now);
  // recoverendpoint: for each partition with a replica on endpoint, a
  // failover when it has no live leader, else a recovery of that replica when
  // it is not alive.
  std::vector<op::Op> RecoverEndpointOpsLocked(const std::string& endpoint) const;
  // No live leader on a healthy tablet, or one whose tablet reports it cannot write.
  bool NeedsLeaderLocked(const TableMeta& table, const PartitionMeta& partition) const;
  // What endpoint's last heartbeat says of the replica (tid, pid): null when
  // it said nothing; CannotWriteLocked: that it cannot write (its WAL writer
  // stopped, or its folder failed to open), with why when reason is given.
  const v1::ReplicaStatus* ReportedLocked(const std::string& endpoint, uint32_t tid, uint32_t pid) const;
  bool CannotWriteLocked(const std::string& endpoint, uint32_t tid, uint32_t pid, std::string* reason = nullptr) const;
  // Adds every not-alive replica on endpoint to recover_pending_.
  void QueueRecoveryLocked(const std::string& endpoint);
  Result<const TableMeta*> FindTableLocked(const std::string& name) const;
  // Re-replication, leftovers and auto_balance (nameserver_replicas.cc),
  // from every failure-detector check. mu_ held; they only submit ops.
  // replica_down_timeout_ms: every replica on a tablet offline for longer
  // gets a kReAddReplicaOP once its partition has a live leader.
  void ReReplicateLocked();
  // Replicas a tablet that came back reported but no longer belongs to
  // (re-replicated away while it was down): a kDelReplicaOP drops each,
  // keep_data (quarantine).
  void QueueLeftoversLocked(const TabletEntry& tablet);
  void DropLeftoversLocked();
  void AutoBalanceLocked();
  Result<Balanced> BalanceLocked(op::OpRunner& runner);
  // Replicas in the metadata on endpoint, or as it last reported, whichever is more.
  size_t ReplicaLoadLocked(const std::string& endpoint) const;
  // The healthy tablet holding no replica of partition with the least load
  // (ties: by endpoint); "" when there is none.
  std::string LeastLoadedTargetLocked(const PartitionMeta& partition) const;
  Result<const PartitionMeta*> FindPartitionLocked(const std::string& table, uint32_t pid) const;
  bool TabletHealthyLocked(const std::string& endpoint) const;  // TabletMeta::Usable
  // Persists tablet.meta with taken_offline set to `taken`.
  Status SetTakenOfflineLocked(TabletEntry& tablet, bool taken);
  // Persists a changed copy of tablet.meta, then keeps it.
  Status ChangeTabletLocked(TabletEntry& tablet, const std::function<void(TabletMeta&)>& change);

  // ChangeRole follower at term to every replica of partition on a healthy
  // tablet, all at once (one thread per tablet): kSelectLeader's and
  // kFenceTerm's fence (invariant 3). One answer per replica asked, with the
  // call's outcome and, when it is OK, the log's last (term, offset).
  struct FenceAnswer {
    std::string endpoint;
    Status status;
    v1::ChangeRoleResponse response;
  };
  std::vector<FenceAnswer> FenceReplicas(const TableMeta& table, const PartitionMeta& partition, uint64_t term);

  // Task functions (nameserver_op_tasks.cc), one per task type; each is
  // idempotent and takes mu_ only around metadata, never around a tablet call.
  Status RunOpTask(op::TaskContext& ctx);
  Status AllocateTermTask(op::TaskContext& ctx);
  Status SelectLeaderTask(op::TaskContext& ctx);
  Status ChangeLeaderTask(op::TaskContext& ctx);
  Status UpdateLeaderInfoTask(op::TaskContext& ctx);
  Status FollowLeaderTask(op::TaskContext& ctx);
  Status AddFollowerTask(op::TaskContext& ctx);
  Status WaitCatchUpTask(op::TaskContext& ctx);
  Status MarkRecoveredTask(op::TaskContext& ctx);
  Status UpdateTableAliveTask(op::TaskContext& ctx);
  // nameserver_recovery.cc: kRecoverDataOP's first task.
  Status FenceTermTask(op::TaskContext& ctx);
  // kFenceTerm's first part: a partition created empty, or a damaged leader repaired, as the plan accepted.
  Status PrepareLeader(op::TaskContext& ctx, const TableMeta& table, uint64_t term);
  // When every op of the recovery under way is final: auto_failover back to
  // what it was, the record moved to the finished ones. From every check.
  void FinishRecoveryLocked();
  // nameserver_replica_tasks.cc: adding, moving and removing replicas.
  Status SelectTargetTask(op::TaskContext& ctx);
  Status CreateReplicaTask(op::TaskContext& ctx);
  Status AddReplicaMetaTask(op::TaskContext& ctx);
  Status SelectRemovalTask(op::TaskContext& ctx);
  Status RemoveFollowerTask(op::TaskContext& ctx);
  Status DropReplicaTask(op::TaskContext& ctx);
  Status RemoveReplicaMetaTask(op::TaskContext& ctx);
  // Applies change to a copy of op's table (checked: active, same tid) and
  // persists it; a final task passes repairs_after so auto_failover looks again.
  Status ChangeTable(const op::Op& op, bool repairs_after, const std::function<Status(TableMeta&)>& change);
  Status ChangePartition(const op::Op& op, bool repairs_after, const std::function<Status(PartitionMeta&)>& change);
  // A copy of op's table as it is now (checked as above).
  Result<TableMeta> OpTable(const op::Op& op) const;
  // The op's table, its partition checked when it names one; InvalidArgument
  // once either is gone (retrying cannot bring it back). mu_ held.
  Result<const TableMeta*> OpTableLocked(const op::Op& op) const;

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
  const MonotonicNow now_;
  TabletClient tablets_client_;
  std::mutex admin_mu_;  // one CreateTable / DropTable at a time

  mutable std::mutex mu_;
  bool active_ = false;
  MetaRepository repository_;
  std::map<std::string, TableMeta> tables_;
  std::map<std::string, TabletEntry> tablets_;
  ClusterConfig config_;
  bool repairs_wanted_ = false;
  // Replicas to recover automatically: (table, pid, endpoint) of not-alive
  // replicas whose tablet came back (or was healthy at activation), until a
  // recovery op for them is submitted. Replicas taken out by offlineendpoint
  // are not here: the operator brings them back (recoverendpoint).
  std::set<std::tuple<std::string, uint32_t, std::string>> recover_pending_;
  // (table, pid, dead endpoint) whose kReAddReplicaOP was submitted during
  // this down episode: not again until the tablet's state or the config changes.
  std::set<std::tuple<std::string, uint32_t, std::string>> readd_submitted_;
  // (table, pid, endpoint) of leftover replicas to drop (QueueLeftoversLocked).
  std::set<std::tuple<std::string, uint32_t, std::string>> leftover_pending_;
  // auto_balance: balancer rounds left since a new tablet registered (or
  // confset); a round runs when no op is unfinished, the count stops a move
  // that keeps failing from being submitted for ever.
  int balance_rounds_left_ = 0;
  // When the failure detector last ran (nullopt until its first check since
  // activation): a long gap is a stall of the nameserver.
  std::optional<Clock::time_point> last_check_;
  // The recovery under way (/recoverdata/current), if any.
  std::optional<RecoveryRecord> recovery_;
  // When SweepRepairsLocked last looked (activation counts as one).
  Clock::time_point last_sweep_;

  meta::MetaStore* const store_;
  std::unique_ptr<Executor> executor_;
  std::shared_ptr<op::OpRunner> runner_;  // mu_; null until Resume returned
};

}  // namespace kv::ns
