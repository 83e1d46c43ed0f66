// One hosted replica and its part in the partition: leader, follower, or
// nothing yet (cluster/tablet/README.md).
//
// A replica acts as leader only after the nameserver named it leader at its
// current term (CreateReplica or ChangeRole) since this process started, and
// serves writes and reads only while the lease for that term is valid
// (invariant 4). A replica whose replica.json says follower acts as one from
// the start: it takes Appends from any leader whose term is not older than
// the newest it has seen (invariant 3), persisting a newer term before it
// appends. The leader's write path: role, term and lease checks, one WAL
// record (invariant 1), then the acks; followers are fed by one Replicator each, driven
// by the FollowerStream to the follower's tablet.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>
#include <vector>

#include "cluster/proto/kv.pb.h"
#include "storage/replica.h"
#include "cluster/tablet/errors.h"
#include "cluster/tablet/follower_stream.h"
#include "cluster/tablet/lease_table.h"
#include "cluster/tablet/partition_key.h"
#include "cluster/tablet/record_count_cache.h"
#include "cluster/tablet/replica_settings.h"
#include "cluster/tablet/replication_source.h"
#include "cluster/tablet/replicator.h"
#include "cluster/tablet/retention_policy.h"
#include "cluster/tablet/snapshot_receiver.h"
#include "cluster/tablet/tail_buffer.h"

namespace kv::tablet {

struct PartitionOptions {
  std::string endpoint;  // this tablet's
  std::chrono::milliseconds majority_timeout{2000};
  ReplicationOptions replication;
  RetentionOptions retention;
  size_t tail_records = 65536;
  size_t tail_bytes = 64 << 20;
  uint32_t scan_default_limit = 1000;
  uint32_t scan_max_limit = 100000;
};

// What every partition of a tablet shares.
struct PartitionShared {
  const PartitionOptions& options;
  const LeaseTable& leases;
  FollowerStreams& streams;  // to each follower tablet
};

class Partition : public ReplicationSource {
 public:
  using Deadline = std::chrono::steady_clock::time_point;

  Partition(PartitionKey key, std::unique_ptr<storage::Replica> replica, ReplicaSettings settings,
            PartitionShared shared);
  ~Partition() override;
  Partition(const Partition&) = delete;
  Partition& operator=(const Partition&) = delete;

  PartitionKey key() const { return key_; }
  ReplicaSettings settings() const;

  // Client data path (leader only). The writes of a group (one WriteMulti's
  // partition, or a lone Write) go to the WAL as one group append
  // (AppendWrites), then wait for their acks once (AckWritesThen): with acks
  // majority until the deadline or options.majority_timeout, whichever comes
  // first. Each write gets its own answer in its response's error: a refused
  // one does not fail the others, and each is acknowledged only when a
  // majority holds its own offset (invariant 5). A Tablet appends every
  // partition's group of a request first, then waits for them, so the
  // partitions replicate at once.
  struct WriteGroup {
    std::vector<const v1::WriteRequest*> requests;
    std::vector<v1::WriteResponse*> responses;  // one per request
    // Set by AppendWrites for AckWritesThen:
    uint64_t term = 0;
    v1::Acks acks = v1::ACKS_MAJORITY;
    std::vector<size_t> logged;  // the writes whose record is in the WAL, in offset order
  };
  void AppendWrites(WriteGroup* group);
  // Nothing blocks: done() runs once every write of the group has its answer,
  // on this thread when that is known at once (acks leader, nothing logged,
  // a majority already), else on the thread that settles it: the replication
  // stream's when a majority holds the group's last record, a role change's,
  // or ExpireAcks' past the deadline. The group must live until then.
  void AckWritesThen(WriteGroup* group, Deadline deadline, std::function<void()> done);
  // Answers the groups still waiting whose deadline is before now (the tablet calls it periodically).
  void ExpireAcks(Deadline now);
  Error Get(const std::string& key, v1::GetResponse* resp);
  Error Scan(const v1::ScanRequest& req, v1::ScanResponse* resp);
  Error Count(v1::CountResponse* resp);

  // Follower path (invariants 2 and 3).
  void Append(const v1::AppendRequest& req, v1::AppendResponse* resp);
  // A leader's snapshot (partition_snapshot.cc): the term checked as for an
  // Append, the files received into staging_root/<tid>_<pid> (not holding
  // the replica's locks meanwhile), verified, then installed; the answer is
  // the replica's last (term, offset).
  void InstallSnapshot(const v1::SnapshotHeader& header, const SnapshotChunkSource& next,
                       const std::string& staging_root, v1::InstallSnapshotResponse* resp);

  // WAL retention (partition_retention.cc, retention_policy.h): a snapshot
  // when enough was applied since the newest, the WAL below both it and what
  // the followers need deleted, old snapshots pruned. The tablet calls it
  // periodically.
  void RunRetention();

  // CreateReplica / ChangeRole: lead or follow at spec.term (>= the newest seen).
  Error TakeRole(const v1::ReplicaSpec& spec, storage::LogPosition* last);

  // fresh_count: count now (GetStatus) instead of the heartbeat's cached count.
  // A replica that cannot write is TABLE_WRITE_STOPPED, with the reason.
  Error FillStatus(bool with_checksum, bool fresh_count, v1::ReplicaStatus* status);
  // OK while the replica can write, else why not (storage::Replica::WritesStopped).
  Status WritesStopped() const;
  // A replica that cannot write (its WAL writer stopped after a failed write
  // or fsync) is reopened here, which cuts a torn tail and replays the WAL:
  // not while it leads with a valid lease (the nameserver, told by the
  // heartbeat, moves the leadership first, so the record the failed write
  // may have left is cut by invariant 2 when it follows the new leader), and
  // a leader whose lease lapsed stands down first; and only once a test
  // write of a good size succeeds in its folder (ProbeWrite). The tablet
  // calls it periodically; a reopen that fails is tried again on the next call.
  void ReopenIfStopped();
  void RefreshRecordCount();  // the cached count, when due (record_count_cache.h)

  // Stops serving for good (drop, shutdown): replicators end, waiting writes are
  // answered, the replica is closed. Later calls answer NOT_FOUND.
  void Close();

  // ReplicationSource, for this partition's replicators.
  bool Running(uint64_t generation) const override;
  const storage::Replica& replica() const override { return *replica_; }
  const TailBuffer& tail() const override { return tail_; }
  Result<SnapshotToSend> SnapshotForFollower() override;
  void OnFollowerState(uint64_t generation, const std::string& follower, const FollowerState& state) override;
  void OnNewerTerm(uint64_t generation, uint64_t term) override;

 private:
  enum class Acting { kNothing, kLeader, kFollower };

  // Called with role_mu_ held.
  Error Lead(const v1::ReplicaSpec& spec, const ReplicaSettings& wanted);
  Error Follow(uint64_t term);
  Error AcceptLeader(uint64_t term, const std::string& leader);  // an Append's term (invariant 3)
  Error AppendRecords(const v1::AppendRequest& req, v1::AppendResponse* resp);
  Error ReceiveAndInstall(const v1::SnapshotHeader& header, const SnapshotChunkSource& next,
                          const std::string& staging_root);
  Error InstallReceived(const v1::SnapshotHeader& header, const std::string& dir);
  Status Retain();  // called with open_mu_ held shared
  // Stops acting in any role: the generation ends, replicators stop, waiting writes wake up.
  void StandDown();

  // Called with mu_ held. A replicator whose generation ended stops by itself;
  // it is joined when taken (never from its own thread).
  void EndGenerationLocked();
  std::vector<std::unique_ptr<Replicator>> TakeReplicatorsLocked();

  Error ServingLeader(uint64_t* term) const;   // a leader at a term with a valid lease
  // Calls read(replica) when this replica may serve reads: open, leading, leased.
  template <typename Read>
  Error LeaderRead(Read read);
  Error NotLeaderLocked() const;
  uint64_t NewestTermLocked() const;
  size_t ReplicasLocked() const;  // the partition's replica count, leader included
  size_t MajorityLocked() const;
  size_t HoldersLocked(uint64_t offset) const;
  bool LeadingLocked(uint64_t term) const;
  // A group waiting for its majority (AckWritesThen).
  struct AckWaiter {
    WriteGroup* group;
    uint64_t last;  // the group's last offset
    Deadline deadline;
    std::function<void()> done;
  };
  struct SettledAck {
    AckWaiter waiter;
    std::vector<Error> verdicts;  // one per logged write
  };
  // Called with mu_ held: the waiters whose answer is known (a majority holds
  // their last offset, the role at their term ended, or, given now, their
  // deadline passed), taken out with their verdicts.
  std::vector<SettledAck> TakeSettledLocked(const Deadline* now);
  // Re-checks the waiters after the role or the followers changed.
  void SettleAcks();
  // Answers a settled group (the lease checked last, invariant 4) and runs its done().
  void FinishAcks(SettledAck settled);
  // OK when a majority holds offset now and this replica still leads at term; else why not.
  Error MajorityVerdictLocked(uint64_t term, uint64_t offset) const;
  void Appended(const std::vector<wal::Record>& records);  // the leader's log grew

  const PartitionKey key_;
  const PartitionShared shared_;
  TailBuffer tail_;
  RecordCountCache counts_;

  // Shared by every call using the replica; exclusive while closing it.
  mutable std::shared_mutex open_mu_;
  bool closed_ = false;
  std::unique_ptr<storage::Replica> replica_;

  // One role change or follower append at a time: a term check and the
  // append it allows must not interleave with another term's.
  std::mutex role_mu_;

  // Held shared by a leader's Replica::Write, exclusively while the role or
  // term changes: no write of an older term reaches the WAL after the change.
  std::shared_mutex term_mu_;

  // Snapshots chosen for a follower, made, or pruned one at a time; a
  // snapshot being sent is pinned (not pruned) until its transfer ends.
  std::mutex snapshots_mu_;
  std::multiset<uint64_t> pinned_snapshots_;
  std::string retention_problem_;  // the last one logged (the retention thread's only)
  std::string reopen_problem_;     // the last one logged (the reopening thread's only)

  mutable std::mutex mu_;
  ReplicaSettings settings_;
  Acting acting_ = Acting::kNothing;
  uint64_t leader_term_ = 0;      // when acting as leader
  uint64_t observed_term_ = 0;    // newest term a follower told us about (not persisted: it only makes us step down)
  uint64_t generation_ = 0;
  std::string leader_hint_;
  std::vector<std::string> followers_;
  std::map<std::string, FollowerState> progress_;
  std::vector<AckWaiter> ack_waiters_;  // settled when progress_ or the role changes, or they expire
  std::vector<std::unique_ptr<Replicator>> replicators_;
  std::chrono::steady_clock::time_point lead_since_{};  // this leadership's start (WAL retention's grace)
  bool receiving_snapshot_ = false;                    // one InstallSnapshot at a time
};

}  // namespace kv::tablet
