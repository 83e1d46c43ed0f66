// The tablet: every replica in a data dir, and the Tablet service's calls on
// them (cluster/proto/kv.proto). No networking of its own beyond replication:
// TabletServer puts it behind gRPC and a nameserver link; tests may drive it
// and its LeaseTable directly.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cluster/proto/kv.pb.h"
#include "storage/storage_env.h"
#include "cluster/tablet/clock.h"
#include "cluster/tablet/data_dir.h"
#include "cluster/tablet/lease_table.h"
#include "cluster/tablet/partition.h"
#include "cluster/tablet/periodic.h"
#include "cluster/tablet/unopened_folder.h"
#include "common/status.h"

namespace kv::tablet {

struct TabletOptions {
  PartitionOptions partition;  // its endpoint is the tablet's
  storage::StorageEnvOptions storage;
  uint64_t wal_segment_bytes = 64ull << 20;  // a WAL segment rolls over at this size (retention deletes whole ones)
};

// The table a replica folder's replica.json names; empty when it cannot be read.
std::string TableOfFolder(const std::string& replica_dir);
// OK when the replica.json in folder names table and key's tid and pid; else
// FAILED_PRECONDITION saying what it names, or why it cannot be read.
Error CheckFolderHolds(const std::string& folder, PartitionKey key, const std::string& table);

class Tablet {
 public:
  // How often a replica that cannot write is tried again (Partition::ReopenIfStopped).
  static constexpr std::chrono::milliseconds kReopenInterval{1000};

  // Opens every replica folder under DATA_DIR/partitions with one StorageEnv.
  // A folder that cannot be opened is logged and left as it is: not served,
  // and named with its reason by CreateReplica and ChangeRole, until it is
  // repaired or dropped.
  static Result<std::unique_ptr<Tablet>> Open(DataDir data_dir, TabletOptions options, const Clock& clock);
  ~Tablet();
  Tablet(const Tablet&) = delete;
  Tablet& operator=(const Tablet&) = delete;

  const std::string& endpoint() const { return options_.partition.endpoint; }
  const DataDir& data_dir() const { return data_dir_; }
  LeaseTable& leases() { return leases_; }

  // The Tablet service's calls; each fills its response, error included.
  void Write(const v1::WriteRequest& req, Partition::Deadline deadline, v1::WriteResponse* resp);
  void Get(const v1::GetRequest& req, v1::GetResponse* resp);
  void Scan(const v1::ScanRequest& req, v1::ScanResponse* resp);
  void Count(const v1::CountRequest& req, v1::CountResponse* resp);
  void Append(const v1::AppendRequest& req, v1::AppendResponse* resp);
  // Several calls in one (kv.proto): each answered as if it came alone.
  void WriteMulti(const v1::WriteMultiRequest& req, Partition::Deadline deadline, v1::WriteMultiResponse* resp);
  // WriteMulti without blocking: done() runs once every write has its answer,
  // on this thread when none waits for a majority, else on the thread that
  // settles the last (Partition::AckWritesThen). req and resp must live until then.
  void WriteMultiThen(const v1::WriteMultiRequest& req, Partition::Deadline deadline, v1::WriteMultiResponse* resp,
                      std::function<void()> done);
  void AppendMulti(const v1::AppendMultiRequest& req, v1::AppendMultiResponse* resp);
  // What leaders' replication calls (Append and AppendMulti) brought this
  // tablet since it opened: how well they batch (docs/cluster.md, "Batching
  // on every hop"), read by tests.
  struct ReplicationReceived {
    uint64_t calls = 0;
    uint64_t appends = 0;  // one per partition in a call
    uint64_t records = 0;
  };
  ReplicationReceived replication_received() const;
  // A leader's snapshot for a follower: the header came in the first chunk, the files come from next().
  void InstallSnapshot(const v1::SnapshotHeader& header, const SnapshotChunkSource& next,
                       v1::InstallSnapshotResponse* resp);
  void CreateReplica(const v1::CreateReplicaRequest& req, v1::CreateReplicaResponse* resp);
  void DropReplica(const v1::DropReplicaRequest& req, v1::DropReplicaResponse* resp);
  void ChangeRole(const v1::ChangeRoleRequest& req, v1::ChangeRoleResponse* resp);
  void GetStatus(const v1::GetStatusRequest& req, v1::GetStatusResponse* resp);
  // Manual restore (`ops loadtable`, tablet_load.cc): opens a replica folder
  // under DATA_DIR/partitions that is not served (put back by an operator) as
  // Open would at start, once its replica.json names the table, tid and pid
  // asked for. GetStatus shows it TABLE_LOADING meanwhile.
  void LoadReplica(const v1::LoadReplicaRequest& req, v1::LoadReplicaResponse* resp);
  // `ops recoverdata` with accepted loss (tablet_repair.cc): repairs a folder
  // that failed to open, in place, with the repair library (salvage a damaged
  // WAL, then rebuild a damaged DB; what is replaced goes to the data dir's
  // quarantine), then loads it. A served replica: nothing to do.
  void RepairReplica(const v1::RepairReplicaRequest& req, v1::RepairReplicaResponse* resp);
  // `ops recoverdata` for a best replica on a dead tablet whose disk this
  // machine reads (tablet_adopt.cc): copies that folder in, durably, and loads it.
  void AdoptReplica(const v1::AdoptReplicaRequest& req, v1::AdoptReplicaResponse* resp);

  // Every replica's status for a heartbeat: cached record counts, no checksums.
  std::vector<v1::ReplicaStatus> HeartbeatStatus();

  // Stops every replica for good (shutdown): later calls answer NOT_FOUND.
  void CloseAll();

 private:
  Tablet(DataDir data_dir, TabletOptions options, const Clock& clock);
  // Before any replica opens (start_checks.h): enough open files for every
  // replica folder (refused, in one line, when the hard limit is short) and
  // free space in the data dir (a warning).
  Status CheckResources(const std::vector<std::string>& folder_names) const;
  Result<std::shared_ptr<Partition>> OpenPartition(PartitionKey key, const ReplicaSettings& settings);
  Result<std::shared_ptr<Partition>> OpenExisting(PartitionKey key);
  // Every partition's writes appended first, then their acks awaited; done() once all are in.
  void WriteGroups(const std::vector<const v1::WriteRequest*>& requests, Partition::Deadline deadline,
                   const std::vector<v1::WriteResponse*>& responses, std::function<void()> done);
  // The hosted partition, or null and *why says why there is none.
  std::shared_ptr<Partition> Find(PartitionKey key, Error* why) const;
  std::string ReplicaDir(PartitionKey key) const;
  Error Create(const v1::ReplicaSpec& spec);
  void AppendOne(const v1::AppendRequest& req, v1::AppendResponse* resp);  // counted in received_
  Error Drop(PartitionKey key, bool keep_data);
  Error Load(PartitionKey key, const std::string& table);
  Error LoadUnderControl(PartitionKey key, const std::string& table);  // control_mu_ held
  // The answer of a call that loads a replica: e, and when it is OK the loaded replica's status.
  Error WithLoadedStatus(PartitionKey key, Error e, v1::ReplicaStatus* status);
  bool Serves(PartitionKey key) const;
  // What GetStatus and the heartbeats show of a folder that is not served: one
  // being loaded (TABLE_LOADING) or one that failed to open (TABLE_OPEN_FAILED,
  // with why); false when key is neither.
  bool UnservedStatus(PartitionKey key, v1::ReplicaStatus* status) const;
  std::vector<v1::ReplicaStatus> UnservedStatuses() const;  // of every folder not served
  // Records a folder that failed to open (map_mu_ held), as LookAtUnopened saw it.
  void NoteUnopenedLocked(PartitionKey key, UnopenedFolder folder);
  std::vector<std::shared_ptr<Partition>> Hosted() const;

  DataDir data_dir_;
  const TabletOptions options_;
  storage::StorageEnv env_;
  LeaseTable leases_;
  client::Channels peers_;
  // Replication to each follower tablet, every partition's Appends together (AppendMulti).
  FollowerStreams streams_{peers_, options_.partition.replication.rpc_timeout};

  struct {
    std::atomic<uint64_t> calls{0}, appends{0}, records{0};
  } received_;

  std::mutex control_mu_;  // CreateReplica and DropReplica, one at a time

  mutable std::mutex map_mu_;
  std::map<PartitionKey, std::shared_ptr<Partition>> partitions_;
  std::map<PartitionKey, UnopenedFolder> unopened_;  // folders that failed to open, and why
  std::map<PartitionKey, std::string> loading_;   // folders LoadReplica is opening, and their table

  std::unique_ptr<Periodic> counting_;  // the heartbeats' record counts, refreshed off their path
  std::unique_ptr<Periodic> retention_;  // snapshots and WAL retention of every replica
  std::unique_ptr<Periodic> reopening_;  // replicas whose writes stopped, reopened (Partition::ReopenIfStopped)
  std::unique_ptr<Periodic> ack_expiry_;  // writes past their deadline answered (Partition::ExpireAcks)
};

}  // namespace kv::tablet
