// The write paths: the leader's Write, the follower's AppendReplicated, and the
// sequencer that applies both in offset order.
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "storage/applied_tracker.h"
#include "storage/db.h"
#include "storage/replica.h"
#include "common/invariant.h"

namespace kv::storage {
namespace {

// Decodes every record's ops before anything reaches the WAL, so that a record
// the DB could not apply is refused instead of logged.
Status BuildDataBatch(const std::vector<wal::Record>& records, rocksdb::WriteBatch* batch) {
  for (const wal::Record& r : records) {
    Status s = AddDataOps(ViewOf(r), batch);
    if (!s.ok()) return Status::InvalidArgument("undecodable record: " + s.message());
  }
  return Status::OK();
}

}  // namespace

Status Replica::ApplyInOrder(const std::vector<wal::Record>& records, rocksdb::WriteBatch* batch) {
  const uint64_t first = records.front().offset;
  std::unique_lock<std::mutex> a(apply_mu_);
  apply_cv_.wait(a, [&] { return !broken_.ok() || applied_.offset + 1 >= first; });
  if (!broken_.ok()) return broken_;
  KV_INVARIANT("applied-prefix", applied_.offset + 1 == first,
               "offset " + std::to_string(first) + " was applied before by another writer");
  AppliedTracker tracker({options_.tid, options_.pid, applied_});
  for (const wal::Record& r : records) tracker.Note(r.offset, r.term, batch);
  tracker.Seal(batch);
  Status s = FromRocks(db_->Write(ApplyWriteOptions(), batch),
                       "apply offsets " + std::to_string(first) + ".." + std::to_string(records.back().offset));
  if (s.ok()) {
    applied_ = tracker.meta().position;
  } else {
    // The WAL holds records the DB lacks; later ones cannot be applied before them.
    broken_ = s.WithContext("writes refused until the replica is reopened (which replays the WAL)");
  }
  apply_cv_.notify_all();
  return s;
}

Status Replica::Write(uint64_t term, std::vector<wal::Record>* records) {
  if (records->empty()) return Status::OK();
  {
    std::lock_guard<std::mutex> d(desc_mu_);
    if (desc_.role != Role::kLeader) return Status::FailedPrecondition(paths_.dir + " is not the leader");
    if (term != desc_.term) {
      return Status::FailedPrecondition("term " + std::to_string(term) + " is not the replica's term " +
                                        std::to_string(desc_.term));
    }
  }
  for (wal::Record& r : *records) r.term = term;
  rocksdb::WriteBatch batch;
  KV_RETURN_IF_ERROR(BuildDataBatch(*records, &batch));
  std::shared_lock<std::shared_mutex> l(life_mu_);
  KV_RETURN_IF_ERROR(Usable());
  KV_RETURN_IF_ERROR(wal_->AppendAssigning(records));  // invariant 1: logged before applied
  return ApplyInOrder(*records, &batch);
}

Status Replica::AppendAndApply(const std::vector<wal::Record>& records) {
  rocksdb::WriteBatch batch;
  KV_RETURN_IF_ERROR(BuildDataBatch(records, &batch));
  KV_RETURN_IF_ERROR(wal_->Append(records));
  return ApplyInOrder(records, &batch);
}

Result<LogPosition> Replica::TermStartAtLocked(uint64_t offset) const {
  const uint64_t applied = Applied().offset;
  if (offset > applied) {
    return Status::FailedPrecondition("offset " + std::to_string(offset) + " is not applied (applied: " +
                                      std::to_string(applied) + ")");
  }
  return storage::TermStartAt(db_.get(), offset);
}

Result<LogPosition> Replica::TermStartAt(uint64_t offset) const {
  std::shared_lock<std::shared_mutex> l(life_mu_);
  KV_RETURN_IF_ERROR(Usable());
  return TermStartAtLocked(offset);
}

Result<PrevCheck> Replica::CheckPrevLocked(LogPosition prev) const {
  PrevCheck check;
  if (prev.offset == 0) return check;  // the log's start matches every log
  const LogPosition last = LastLoggedLocked();
  if (prev.offset > last.offset) {
    check.verdict = PrevCheck::Verdict::kBehind;
    check.conflict_offset = last.offset + 1;
    return check;
  }
  KV_ASSIGN_OR_RETURN(LogPosition at, TermStartAtLocked(prev.offset));
  if (at.term != prev.term) {
    check.verdict = PrevCheck::Verdict::kDiverged;
    check.conflict_term = at.term;
    check.conflict_offset = at.offset;
  }
  return check;
}

Result<PrevCheck> Replica::CheckPrev(LogPosition prev) const {
  std::shared_lock<std::shared_mutex> l(life_mu_);
  KV_RETURN_IF_ERROR(Usable());
  return CheckPrevLocked(prev);
}

Status Replica::AppendReplicated(LogPosition prev, const std::vector<wal::Record>& records, PrevCheck* mismatch) {
  std::lock_guard<std::mutex> f(follower_mu_);
  if (descriptor().role != Role::kFollower) {
    return Status::FailedPrecondition(paths_.dir + " leads its partition; it takes no replicated records");
  }
  for (size_t i = 0; i < records.size(); ++i) {
    if (records[i].offset != prev.offset + 1 + i) {
      return Status::InvalidArgument("replicated record " + std::to_string(i) + " has offset " +
                                     std::to_string(records[i].offset) + ", expected " +
                                     std::to_string(prev.offset + 1 + i));
    }
  }
  size_t skip = 0;  // records this replica already holds with the same term
  {
    std::shared_lock<std::shared_mutex> l(life_mu_);
    KV_RETURN_IF_ERROR(Usable());
    KV_ASSIGN_OR_RETURN(PrevCheck check, CheckPrevLocked(prev));
    if (check.verdict != PrevCheck::Verdict::kMatch) {
      if (mismatch != nullptr) *mismatch = check;
      return Status::Aborted("log mismatch at " + prev.ToString() + ": this replica is " +
                             VerdictName(check.verdict) + " (its last is " + LastLoggedLocked().ToString() + ")");
    }
    const uint64_t last = LastLoggedLocked().offset;
    for (; skip < records.size() && records[skip].offset <= last; ++skip) {
      KV_ASSIGN_OR_RETURN(LogPosition at, TermStartAtLocked(records[skip].offset));
      if (at.term != records[skip].term) break;
    }
    if (skip == records.size()) return Status::OK();
    if (records[skip].offset > last) {
      return skip == 0 ? AppendAndApply(records)
                       : AppendAndApply(std::vector<wal::Record>(records.begin() + skip, records.end()));
    }
  }
  // From records[skip] on, this replica holds another term's records: cut them (invariant 2).
  std::unique_lock<std::shared_mutex> l(life_mu_);
  KV_RETURN_IF_ERROR(TruncateAfterLocked(records[skip].offset - 1).status());
  KV_RETURN_IF_ERROR(Usable());
  return AppendAndApply(std::vector<wal::Record>(records.begin() + skip, records.end()));
}

}  // namespace kv::storage
