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

bool Partition::LeadingLocked(uint64_t term) const { return acting_ == Acting::kLeader && leader_term_ == term; }

size_t Partition::HoldersLocked(uint64_t offset) const {
  size_t holders = 1;  // the leader: its WAL holds the record at the table's WAL level
  for (const std::string& f : followers_) {
    auto it = progress_.find(f);
    if (it != progress_.end() && it->second.match_offset >= offset) ++holders;
  }
  return holders;
}

void Partition::AppendWrites(WriteGroup* group) {
  const auto fail = [&](const std::vector<size_t>& which, const Error& e) {
    for (size_t i : which) *group->responses[i]->mutable_error() = e;
  };
  std::vector<size_t> all(group->requests.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  std::shared_lock<std::shared_mutex> open(open_mu_);
  if (closed_) return fail(all, NotHosted(key_.ToString()));
  uint64_t term = 0;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (acting_ != Acting::kLeader) return fail(all, NotLeaderLocked());
    term = leader_term_;
    group->acks = settings_.acks;
  }
  // Each write's own checks: its term, its ops. A refused one does not hold back the others.
  std::vector<wal::Record> records;
  std::vector<size_t> which;
  for (size_t i = 0; i < all.size(); ++i) {
    const v1::WriteRequest& req = *group->requests[i];
    Error e;
    if (req.term() != 0 && req.term() < term) e = StaleTerm(req.term(), term, key_.ToString());
    if (req.term() > term) {
      e = NotLeader("", "partition " + key_.ToString() + ": the client knows term " + std::to_string(req.term()) +
                            ", newer than this leader's term " + std::to_string(term));
    }
    if (IsOk(e)) {
      auto record = RecordsFor(req);
      if (record.ok()) {
        records.push_back(std::move(record->front()));
        which.push_back(i);
        continue;
      }
      e = FromStatus(record.status());
    }
    *group->responses[i]->mutable_error() = std::move(e);
  }
  if (records.empty()) return;
  Error e = ServingLeader(&term);  // invariant 4, before appending
  if (!IsOk(e)) return fail(which, e);
  {
    std::shared_lock<std::shared_mutex> steady_term(term_mu_);
    // One group append for the whole group. Refused by the storage if the
    // role or term changed since the checks above.
    Status s = replica_->Write(term, &records);  // invariant 1: in the WAL before applied
    if (!s.ok()) {
      return fail(which, s.IsFailedPrecondition() ? NotLeader("", "partition " + key_.ToString() + ": " + s.message())
                                                  : FromStatus(s));
    }
  }
  Appended(records);
  for (size_t k = 0; k < which.size(); ++k) {
    group->responses[which[k]]->set_offset(records[k].offset);
    group->responses[which[k]]->set_term(term);
  }
  group->term = term;
  group->logged = std::move(which);
}

void Partition::AckWritesThen(WriteGroup* group, Deadline deadline, std::function<void()> done) {
  if (group->logged.empty()) return done();
  if (group->acks != v1::ACKS_MAJORITY) {
    return FinishAcks({{group, 0, deadline, std::move(done)}, std::vector<Error>(group->logged.size())});
  }
  // One wait for the group's last record; each write is then acknowledged
  // by whether a majority holds its own offset (invariant 5).
  const uint64_t last = group->responses[group->logged.back()]->offset();
  const Deadline own = std::chrono::steady_clock::now() + shared_.options.majority_timeout;
  std::vector<SettledAck> settled;
  {
    std::lock_guard<std::mutex> l(mu_);
    ack_waiters_.push_back({group, last, std::min(deadline, own), std::move(done)});
    settled = TakeSettledLocked(nullptr);  // a majority may hold it already
  }
  for (SettledAck& a : settled) FinishAcks(std::move(a));
}

void Partition::ExpireAcks(Deadline now) {
  std::vector<SettledAck> settled;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (ack_waiters_.empty()) return;
    settled = TakeSettledLocked(&now);
  }
  for (SettledAck& a : settled) FinishAcks(std::move(a));
}

void Partition::SettleAcks() {
  std::vector<SettledAck> settled;
  {
    std::lock_guard<std::mutex> l(mu_);
    settled = TakeSettledLocked(nullptr);
  }
  for (SettledAck& a : settled) FinishAcks(std::move(a));
}

std::vector<Partition::SettledAck> Partition::TakeSettledLocked(const Deadline* now) {
  std::vector<SettledAck> settled;
  auto waiting = ack_waiters_.begin();
  for (auto it = ack_waiters_.begin(); it != ack_waiters_.end(); ++it) {
    const uint64_t term = it->group->term;
    const bool decided = !LeadingLocked(term) || HoldersLocked(it->last) >= MajorityLocked() ||
                         (now != nullptr && it->deadline <= *now);
    if (!decided) {
      if (waiting != it) *waiting = std::move(*it);
      ++waiting;
      continue;
    }
    std::vector<Error> verdicts;
    for (size_t i : it->group->logged) verdicts.push_back(MajorityVerdictLocked(term, it->group->responses[i]->offset()));
    settled.push_back({std::move(*it), std::move(verdicts)});
  }
  ack_waiters_.erase(waiting, ack_waiters_.end());
  return settled;
}

void Partition::FinishAcks(SettledAck settled) {
  WriteGroup& group = *settled.waiter.group;
  const uint64_t term = group.term;
  const bool lease = shared_.leases.Valid(key_, term);  // invariant 4, before acknowledging
  for (size_t k = 0; k < settled.verdicts.size(); ++k) {
    v1::WriteResponse* resp = group.responses[group.logged[k]];
    Error& e = settled.verdicts[k];
    if (IsOk(e) && !lease) {
      e = MakeError(v1::LEASE_EXPIRED, "partition " + key_.ToString() + ": offset " + std::to_string(resp->offset()) +
                                           " is in the leader's log, but the lease for term " + std::to_string(term) +
                                           " expired before it could be acknowledged; it may or may not survive");
    }
    *resp->mutable_error() = std::move(e);
  }
  settled.waiter.done();
}

Error Partition::MajorityVerdictLocked(uint64_t term, uint64_t offset) const {
  const std::string what = "partition " + key_.ToString() + ": offset " + std::to_string(offset) + " (term " +
                           std::to_string(term) + ") is in the leader's log";
  if (!LeadingLocked(term)) {
    return NotLeader(leader_hint_, what + ", but this replica stopped leading before a majority held it; it is not "
                                          "acknowledged and may be cut");
  }
  if (HoldersLocked(offset) < MajorityLocked()) {
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
