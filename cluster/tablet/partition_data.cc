// The client data path of a leader: writes with their acks, and reads.
#include "cluster/tablet/partition.h"

namespace kv::tablet {
namespace {

// One record for the request: a put or delete, or a batch when there are several ops (atomic).
Result<std::vector<wal::Record>> RecordsFor(const v1::WriteRequest& req) {
  if (req.ops_size() == 0) return Status::InvalidArgument("the write has no ops");
  wal::BatchBuilder batch;
  for (const v1::WriteOp& op : req.ops()) {
    if (op.key().empty()) return Status::InvalidArgument("a key may not be empty");
    switch (op.type()) {
      case v1::PUT: batch.Put(op.key(), op.value()); break;
      case v1::DELETE: batch.Delete(op.key()); break;
      default:
        return Status::InvalidArgument("a write op must be PUT or DELETE, not " + v1::RecordType_Name(op.type()));
    }
  }
  if (req.ops_size() > 1) return std::vector<wal::Record>{batch.Finish(0)};
  const v1::WriteOp& op = req.ops(0);
  return std::vector<wal::Record>{op.type() == v1::PUT ? wal::Record::Put(0, op.key(), op.value())
                                                       : wal::Record::Delete(0, op.key())};
}

}  // namespace

Error Partition::NotLeaderLocked() const {
  const std::string where = "partition " + key_.ToString() + ": ";
  switch (acting_) {
    case Acting::kFollower:
      return NotLeader(leader_hint_, where + "this replica follows; the leader is " +
                                         (leader_hint_.empty() ? std::string("not known here") : leader_hint_));
    case Acting::kLeader:
    case Acting::kNothing: break;
  }
  return NotLeader(leader_hint_, where + "this replica does not lead (the nameserver has not named it leader at "
                                         "its current term since the tablet started)");
}

Error Partition::ServingLeader(uint64_t* term) const {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (acting_ != Acting::kLeader) return NotLeaderLocked();
    *term = leader_term_;
  }
  if (shared_.leases.Valid(key_, *term)) return OkError();
  return MakeError(v1::LEASE_EXPIRED, "partition " + key_.ToString() + ": the leader's lease for term " +
                                          std::to_string(*term) +
                                          " is not valid (no timely heartbeat answer from the nameserver); another "
                                          "replica may lead now");
}

size_t Partition::ReplicasLocked() const { return std::max<size_t>(settings_.replica_count, followers_.size() + 1); }

size_t Partition::MajorityLocked() const { return ReplicasLocked() / 2 + 1; }

size_t Partition::HoldersLocked(uint64_t offset) const {
  size_t holders = 1;  // the leader: its WAL holds the record at the table's WAL level
  for (const std::string& f : followers_) {
    auto it = progress_.find(f);
    if (it != progress_.end() && it->second.match_offset >= offset) ++holders;
  }
  return holders;
}

Error Partition::Write(const v1::WriteRequest& req, Deadline deadline, v1::WriteResponse* resp) {
  std::shared_lock<std::shared_mutex> open(open_mu_);
  if (closed_) return NotHosted(key_.ToString());
  uint64_t term = 0;
  v1::Acks acks = v1::ACKS_MAJORITY;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (acting_ != Acting::kLeader) return NotLeaderLocked();
    term = leader_term_;
    acks = settings_.acks;
  }
  if (req.term() != 0 && req.term() < term) return StaleTerm(req.term(), term, key_.ToString());
  if (req.term() > term) {
    return NotLeader("", "partition " + key_.ToString() + ": the client knows term " + std::to_string(req.term()) +
                             ", newer than this leader's term " + std::to_string(term));
  }
  Error e = ServingLeader(&term);  // invariant 4, before appending
  if (!IsOk(e)) return e;
  auto records = RecordsFor(req);
  if (!records.ok()) return FromStatus(records.status());
  {
    std::shared_lock<std::shared_mutex> steady_term(term_mu_);
    // Refused by the storage if the role or term changed since the checks above.
    Status s = replica_->Write(term, &*records);  // invariant 1: in the WAL before applied
    if (!s.ok()) {
      if (s.IsFailedPrecondition()) return NotLeader("", "partition " + key_.ToString() + ": " + s.message());
      return FromStatus(s);
    }
  }
  Appended(*records);
  const uint64_t offset = records->back().offset;
  resp->set_offset(offset);
  resp->set_term(term);
  if (acks == v1::ACKS_MAJORITY) {
    const Deadline own = std::chrono::steady_clock::now() + shared_.options.majority_timeout;
    e = WaitForMajority(term, offset, std::min(deadline, own));  // invariant 5
    if (!IsOk(e)) return e;
  }
  if (shared_.leases.Valid(key_, term)) return OkError();  // invariant 4, before acknowledging
  return MakeError(v1::LEASE_EXPIRED, "partition " + key_.ToString() + ": offset " + std::to_string(offset) +
                                          " is in the leader's log, but the lease for term " + std::to_string(term) +
                                          " expired before it could be acknowledged; it may or may not survive");
}

Error Partition::WaitForMajority(uint64_t term, uint64_t offset, Deadline deadline) {
  std::unique_lock<std::mutex> l(mu_);
  const auto leading = [&] { return acting_ == Acting::kLeader && leader_term_ == term; };
  const bool reached = progress_cv_.wait_until(l, deadline, [&] {
    return !leading() || HoldersLocked(offset) >= MajorityLocked();
  });
  const std::string what = "partition " + key_.ToString() + ": offset " + std::to_string(offset) + " (term " +
                           std::to_string(term) + ") is in the leader's log";
  if (!leading()) {
    return NotLeader(leader_hint_, what + ", but this replica stopped leading before a majority held it; it is not "
                                          "acknowledged and may be cut");
  }
  if (!reached) {
    return MakeError(v1::NOT_ENOUGH_REPLICAS,
                     what + ", but only " + std::to_string(HoldersLocked(offset)) + " of " +
                         std::to_string(ReplicasLocked()) +
                         " replicas hold it in time (a majority is " + std::to_string(MajorityLocked()) +
                         "); it is not acknowledged and may or may not survive");
  }
  return OkError();
}

template <typename Read>
Error Partition::LeaderRead(Read read) {
  std::shared_lock<std::shared_mutex> open(open_mu_);
  if (closed_) return NotHosted(key_.ToString());
  uint64_t term = 0;
  Error e = ServingLeader(&term);
  return IsOk(e) ? read(*replica_) : e;
}

Error Partition::Get(const std::string& key, v1::GetResponse* resp) {
  return LeaderRead([&](const storage::Replica& replica) {
    auto value = replica.Get(key);
    if (value.ok()) {
      resp->set_found(true);
      resp->set_value(*value);
      return OkError();
    }
    return value.status().IsNotFound() ? OkError() : FromStatus(value.status());
  });
}

Error Partition::Scan(const v1::ScanRequest& req, v1::ScanResponse* resp) {
  const PartitionOptions& o = shared_.options;
  const uint32_t limit = req.limit() == 0 ? o.scan_default_limit : std::min(req.limit(), o.scan_max_limit);
  return LeaderRead([&](const storage::Replica& replica) {
    auto scan = replica.Scan(req.from_key(), req.to_key(), limit);
    if (!scan.ok()) return FromStatus(scan.status());
    for (const storage::KeyValue& kv : scan->entries) {
      v1::KeyValue* out = resp->add_entries();
      out->set_key(kv.key);
      out->set_value(kv.value);
    }
    resp->set_more(scan->more);
    return OkError();
  });
}

Error Partition::Count(v1::CountResponse* resp) {
  return LeaderRead([&](const storage::Replica& replica) {
    auto count = replica.Count();
    if (!count.ok()) return FromStatus(count.status());
    resp->set_count(*count);
    return OkError();
  });
}

}  // namespace kv::tablet
