#include "repair/partition_verify.h"

#include <algorithm>
#include <unordered_map>

#include "storage/db.h"
#include "storage/keys.h"
#include "storage/layout.h"
#include "common/file.h"
#include "repair/lock_check.h"
#include "repair/partition_repair.h"
#include "wal/reader.h"

namespace kv::repair {
namespace {
using inspect::FindingKind;
using storage::ContentChecksum;
using storage::LogPosition;

constexpr uint64_t kProgressEvery = 100000;

// Findings that are the DB failing its own checks, or the DB and the WAL
// disagreeing in a way a derivation cannot get past.
constexpr FindingKind kInconsistent[] = {
    FindingKind::kIdentityMismatch, FindingKind::kDbMissing,   FindingKind::kDbUnreadable,
    FindingKind::kSstMissing,       FindingKind::kSstDamaged,  FindingKind::kDbAheadOfWal,
    FindingKind::kHistoryDiverged,  FindingKind::kWalGap,
};

uint64_t EntryHash(std::string_view key, std::string_view value) {
  ContentChecksum one;
  one.Add(key, value);
  return one.sum;
}

// The content checksum of a base (a snapshot's checkpoint, or nothing) with
// WAL ops applied on top, kept up to date op by op: the sum loses an entry's
// hash when the entry is overwritten or deleted and gains the new one.
class DerivedContent {
 public:
  DerivedContent(rocksdb::DB* base, ContentChecksum start) : base_(base), sum_(start) {}

  Status Apply(const wal::Op& op) {
    KV_ASSIGN_OR_RETURN(std::optional<uint64_t> old, Current(op.key));
    if (old) {
      sum_.sum -= *old;
      --sum_.record_count;
    }
    std::optional<uint64_t>& now = touched_[std::string(op.key)];
    now.reset();
    if (op.type == wal::RecordType::kPut) {
      now = EntryHash(op.key, op.value);
      sum_.sum += *now;
      ++sum_.record_count;
    }
    return Status::OK();
  }

  const ContentChecksum& sum() const { return sum_; }

 private:
  Result<std::optional<uint64_t>> Current(std::string_view key) {
    if (auto it = touched_.find(std::string(key)); it != touched_.end()) return it->second;
    if (base_ == nullptr) return std::optional<uint64_t>();
    std::string value;
    const rocksdb::Status s = base_->Get(rocksdb::ReadOptions(), storage::DataKey(key), &value);
    if (s.IsNotFound()) return std::optional<uint64_t>();
    KV_RETURN_IF_ERROR(storage::FromRocks(s, "read the base snapshot"));
    return std::optional<uint64_t>(EntryHash(key, value));
  }

  rocksdb::DB* base_;
  ContentChecksum sum_;
  std::unordered_map<std::string, std::optional<uint64_t>> touched_;
};

// Applies WAL records (plan.start, at] onto the plan's base; checks they are
// all there, contiguous, and that the record at `at` has its term.
class Derivation {
 public:
  Derivation(const storage::RebuildPlan& plan, LogPosition at, const VerifyProgress& progress)
      : plan_(plan), at_(at), progress_(progress) {}

  Result<ContentChecksum> Run(const std::string& wal_dir, VerifyReport* report) {
    std::unique_ptr<rocksdb::DB> base;
    ContentChecksum start;
    if (plan_.snapshot) {
      KV_ASSIGN_OR_RETURN(base, storage::OpenDbReadOnly(plan_.snapshot->dir));
      start = plan_.snapshot->manifest->content;
    }
    DerivedContent content(base.get(), start);
    next_ = plan_.start.offset + 1;
    if (next_ <= at_.offset) {
      wal::ReadOptions ro;
      ro.from_offset = next_;
      ro.to_offset = at_.offset;
      ro.tid = plan_.tid;
      ro.pid = plan_.pid;
      ro.expect_identity = true;
      auto read = wal::ReadLogInMode(wal_dir, wal::ReadMode::kTolerateTornTail, ro,
                                     [&](const wal::RecordView& r) { return OnRecord(r, &content, report); });
      KV_RETURN_IF_ERROR(failure_);
      KV_RETURN_IF_ERROR(read.status());
    }
    if (next_ != at_.offset + 1) {
      return Status::FailedPrecondition("the WAL ends at offset " + std::to_string(next_ - 1) +
                                        ", before the DB's applied offset " + std::to_string(at_.offset));
    }
    return content.sum();
  }

 private:
  bool OnRecord(const wal::RecordView& r, DerivedContent* content, VerifyReport* report) {
    if (r.offset != next_) {
      failure_ = Status::FailedPrecondition("the WAL jumps from offset " + std::to_string(next_ - 1) + " to " +
                                            std::to_string(r.offset));
      return false;
    }
    if (r.offset == at_.offset && r.term != at_.term) {
      failure_ = Status::FailedPrecondition("the DB applied " + at_.ToString() + " but the WAL's record there has term " +
                                            std::to_string(r.term));
      return false;
    }
    Status s = wal::ForEachOp(r, [&](const wal::Op& op) {
      if (failure_.ok()) failure_ = content->Apply(op);
    });
    if (!s.ok()) failure_ = s.WithContext("WAL record at offset " + std::to_string(r.offset));
    if (!failure_.ok()) return false;
    ++next_;
    if (++report->records_replayed % kProgressEvery == 0 && progress_) {
      progress_(report->records_replayed, at_.offset - plan_.start.offset);
    }
    return true;
  }

  const storage::RebuildPlan& plan_;
  const LogPosition at_;
  const VerifyProgress& progress_;
  uint64_t next_ = 0;
  Status failure_;
};

void Derive(const storage::ReplicaPaths& replica, const VerifyProgress& progress, VerifyReport* v) {
  std::vector<std::string> skipped;
  auto plan = PlanRebuildFromGoodSnapshot(replica, v->at->offset, &skipped);
  for (const std::string& s : skipped) v->problems.push_back("snapshot passed over: " + s);
  if (!plan.ok()) {
    v->problems.push_back("cannot derive what the DB should hold at offset " + std::to_string(v->at->offset) +
                          " from the WAL: " + plan.status().message());
    return;
  }
  v->base = plan->snapshot ? "snapshot " + plan->snapshot->dir + " at " + plan->start.ToString() : "an empty DB";
  auto expected = Derivation(*plan, *v->at, progress).Run(replica.wal, v);
  if (!expected.ok()) {
    v->problems.push_back("deriving the content from the WAL: " + expected.status().message());
    return;
  }
  v->expected = *expected;
}

}  // namespace

Result<VerifyReport> VerifyPartition(const storage::ReplicaPaths& replica, const VerifyProgress& progress) {
  if (!IsDirectory(replica.dir)) return Status::NotFound(replica.dir + ": no such replica folder");
  KV_RETURN_IF_ERROR(CheckNotInUse(replica.wal));
  inspect::PartitionInspectOptions look;
  look.verify_sst = true;
  look.checksum = true;
  VerifyReport v;
  KV_ASSIGN_OR_RETURN(v.inspected, inspect::InspectPartition(replica, look));
  const inspect::PartitionReport& r = v.inspected;
  for (const inspect::Finding& f : r.findings) {
    if (std::find(std::begin(kInconsistent), std::end(kInconsistent), f.kind) != std::end(kInconsistent)) {
      v.problems.push_back(std::string(inspect::FindingKindName(f.kind)) + ": " + f.text);
    }
  }
  if (!v.problems.empty()) return v;  // the derivation would only fail again, or compare with a broken DB
  if (!r.info.applied || !r.content) {
    v.problems.push_back("the DB's content could not be read");
    return v;
  }
  v.at = *r.info.applied;
  v.actual = *r.content;
  if (v.at->offset == 0) {
    v.base = "an empty DB";
    v.expected = ContentChecksum();
  } else {
    Derive(replica, progress, &v);
  }
  if (v.expected && *v.expected != *v.actual) {
    v.problems.push_back("the DB holds " + std::to_string(v.actual->record_count) + " records with checksum " +
                         v.actual->Hex() + " at " + v.at->ToString() + ", but its WAL says " +
                         std::to_string(v.expected->record_count) + " records with checksum " + v.expected->Hex());
  }
  return v;
}

}  // namespace kv::repair
