// The follower path: Append from a leader (invariants 2 and 3).
#include "cluster/tablet/partition.h"

#include "cluster/tablet/log.h"

namespace kv::tablet {

void Partition::Append(const v1::AppendRequest& req, v1::AppendResponse* resp) {
  std::shared_lock<std::shared_mutex> open(open_mu_);
  if (closed_) {
    *resp->mutable_error() = NotHosted(key_.ToString());
    return;
  }
  Error e;
  {
    std::lock_guard<std::mutex> role(role_mu_);
    e = AcceptLeader(req.term(), req.leader());
    if (IsOk(e)) e = AppendRecords(req, resp);
  }
  const storage::LogPosition last = replica_->LastLogged();
  resp->set_last_offset(last.offset);
  resp->set_last_term(last.term);
  *resp->mutable_error() = std::move(e);
}

Error Partition::AcceptLeader(uint64_t term, const std::string& leader) {
  if (term == 0) return MakeError(v1::INVALID_ARGUMENT, "an Append needs the leader's term");
  const storage::Descriptor desc = replica_->descriptor();
  if (term < desc.term) return StaleTerm(term, desc.term, key_.ToString());
  if (term == desc.term && desc.role == storage::Role::kLeader) {
    return MakeError(v1::FAILED_PRECONDITION, "partition " + key_.ToString() + ": this replica leads term " +
                                                  std::to_string(term) + " itself; " + leader +
                                                  " cannot lead the same term");
  }
  if (term > desc.term) {
    // A newer leader: stop whatever this replica did, persist the term, then follow.
    StandDown();
    Status s;
    {
      std::unique_lock<std::shared_mutex> changing(term_mu_);
      s = replica_->SetRole(storage::Role::kFollower, term);
    }
    if (!s.ok()) return FromStatus(s);
    Log().info("partition {}: follows {} at term {} (was {} at term {})", key_.ToString(), leader, term,
               storage::RoleName(desc.role), desc.term);
  }
  std::lock_guard<std::mutex> l(mu_);
  acting_ = Acting::kFollower;
  leader_hint_ = leader;
  return OkError();
}

Error Partition::AppendRecords(const v1::AppendRequest& req, v1::AppendResponse* resp) {
  std::vector<wal::Record> records;
  records.reserve(req.records_size());
  for (const v1::LogRecord& r : req.records()) {
    if (r.type() < 0 || r.type() > static_cast<int>(wal::kMaxRecordType)) {
      return MakeError(v1::INVALID_ARGUMENT, "record at offset " + std::to_string(r.offset()) + " has unknown type " +
                                                 std::to_string(r.type()));
    }
    if (r.term() > req.term()) {
      return MakeError(v1::INVALID_ARGUMENT, "record at offset " + std::to_string(r.offset()) + " has term " +
                                                 std::to_string(r.term()) + ", newer than its leader's term " +
                                                 std::to_string(req.term()));
    }
    records.push_back({r.offset(), r.term(), static_cast<wal::RecordType>(r.type()), r.payload()});
  }
  storage::PrevCheck mismatch;
  const Status s = replica_->AppendReplicated({req.prev_term(), req.prev_offset()}, records, &mismatch);
  if (s.ok()) return OkError();
  if (storage::IsLogMismatch(s)) {
    resp->set_conflict_term(mismatch.conflict_term);
    resp->set_conflict_offset(mismatch.conflict_offset);
    return MakeError(v1::LOG_MISMATCH, "partition " + key_.ToString() + ": " + s.message());
  }
  return FromStatus(s);
}

}  // namespace kv::tablet
