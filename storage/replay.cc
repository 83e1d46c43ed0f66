#include "storage/replay.h"

#include <chrono>

#include "storage/applied_tracker.h"
#include "storage/db.h"
#include "storage/log.h"
#include "wal/reader.h"
#include "wal/tail.h"

namespace kv::storage {
namespace {

constexpr size_t kRecordsPerBatch = 1000;
constexpr size_t kBytesPerBatch = 4u << 20;

// Accumulates records into batches and writes them; remembers the first failure.
class Replayer {
 public:
  Replayer(rocksdb::DB* db, const AppliedMeta& start, const ReplayOptions& options, uint64_t wal_last,
           const std::string& wal_dir)
      : db_(db), tracker_(start), opt_(options), wal_last_(wal_last), wal_dir_(wal_dir),
        started_(std::chrono::steady_clock::now()) {}

  bool OnRecord(const wal::RecordView& r) {
    const LogPosition applied = tracker_.meta().position;
    if (r.offset == applied.offset) {
      if (r.term != applied.term) {
        failure_ = Status::FailedPrecondition(
            "the DB applied " + applied.ToString() + " but the WAL holds term " + std::to_string(r.term) +
            " at offset " + std::to_string(r.offset) + ": they tell different histories; rebuild the DB "
            "from the WAL (`repair partition rebuild`)");
        return false;
      }
      return true;
    }
    if (r.offset != applied.offset + 1) {
      failure_ = Gap(r.offset);
      return false;
    }
    Status s = AddDataOps(r, &batch_);
    if (!s.ok()) {
      failure_ = s.WithContext(wal_dir_);
      return false;
    }
    tracker_.Note(r.offset, r.term, &batch_);
    ++stats_.records;
    if (++batch_records_ >= kRecordsPerBatch || batch_.GetDataSize() >= kBytesPerBatch) {
      if (!Flush()) return false;
    }
    if (opt_.progress_every > 0 && stats_.records % opt_.progress_every == 0) LogProgress();
    return true;
  }

  bool Flush() {
    if (batch_records_ == 0) return true;
    tracker_.Seal(&batch_);
    failure_ = FromRocks(db_->Write(ApplyWriteOptions(), &batch_), "apply replayed records");
    batch_.Clear();
    batch_records_ = 0;
    return failure_.ok();
  }

  Status Gap(uint64_t next) const {
    return Status::FailedPrecondition(
        wal_dir_ + " continues at offset " + std::to_string(next) + " but the DB applied only up to " +
        std::to_string(tracker_.meta().position.offset) +
        ": the records between are in neither; restore from a snapshot (`repair partition rebuild`)");
  }

  const Status& failure() const { return failure_; }
  ReplayStats stats() const { return {stats_.records, tracker_.meta().position}; }

 private:
  void LogProgress() const {
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    Log().info("replaying {}: offset {} of {} ({} records, {:.0f} records/s)", wal_dir_,
               tracker_.meta().position.offset, wal_last_, stats_.records, stats_.records / std::max(secs, 1e-9));
  }

  rocksdb::DB* db_;
  AppliedTracker tracker_;
  const ReplayOptions& opt_;
  const uint64_t wal_last_;
  const std::string& wal_dir_;
  const std::chrono::steady_clock::time_point started_;
  rocksdb::WriteBatch batch_;
  size_t batch_records_ = 0;
  ReplayStats stats_;
  Status failure_;
};

}  // namespace

Result<ReplayStats> ReplayWal(const std::string& wal_dir, rocksdb::DB* db, const AppliedMeta& start,
                              const ReplayOptions& options) {
  KV_ASSIGN_OR_RETURN(wal::LogTail tail, wal::FindTail(wal_dir));
  const uint64_t from = start.position.offset;
  const uint64_t to = options.to_offset != 0 ? options.to_offset : (tail.empty ? from : tail.last_offset);
  if (to < from) {
    return Status::FailedPrecondition("the DB applied up to offset " + std::to_string(from) +
                                      ", beyond the offset asked for or the WAL's last (" + std::to_string(to) +
                                      "); rebuild the DB (`repair partition rebuild`)");
  }
  if (!tail.empty && tail.last_offset == from && tail.last_term != start.position.term) {
    return Status::FailedPrecondition("the DB applied " + start.position.ToString() + " but the WAL ends at " +
                                      LogPosition{tail.last_term, tail.last_offset}.ToString() +
                                      ": they tell different histories; rebuild the DB (`repair partition rebuild`)");
  }
  Replayer replayer(db, start, options, to, wal_dir);
  if (to == from) return replayer.stats();

  wal::ReadOptions ro;
  ro.from_offset = from;  // the record at the applied offset too, to check its term
  ro.to_offset = to;
  ro.tid = start.tid;
  ro.pid = start.pid;
  ro.expect_identity = true;
  auto read = wal::ReadLogInMode(wal_dir, wal::ReadMode::kTolerateTornTail, ro,
                                 [&](const wal::RecordView& r) { return replayer.OnRecord(r); });
  KV_RETURN_IF_ERROR(replayer.failure());
  KV_RETURN_IF_ERROR(read.status());
  if (!replayer.Flush()) return replayer.failure();
  const ReplayStats stats = replayer.stats();
  if (stats.last.offset != to) {
    return Status::FailedPrecondition(wal_dir + " ends at offset " + std::to_string(stats.last.offset) +
                                      ", before offset " + std::to_string(to));
  }
  return stats;
}

}  // namespace kv::storage
