#include "wal/writer.h"

#include <chrono>

#include "common/invariant.h"
#include "common/quarantine.h"
#include "wal/durability.h"
#include "wal/reader.h"
#include "wal/segment.h"

namespace kv::wal {

// One caller's records waiting in the group-commit queue.
struct Writer::Pending {
  std::vector<Record>* records;
  bool assign;
  Status status;
  bool done = false;
  std::condition_variable cv;
};

namespace {
constexpr size_t kMaxGroupBytes = 8u << 20;

size_t EncodedSize(const std::vector<Record>& records) {
  size_t n = 0;
  for (const Record& r : records) n += kRecordOverhead + r.payload.size();
  return n;
}
}  // namespace

Status ValidateWriterOptions(const WriterOptions& o) {
  KV_RETURN_IF_ERROR(CheckWalLevel(o.wal_level));
  if (o.segment_bytes < kSegmentHeaderSize + kRecordOverhead) {
    return Status::InvalidArgument("segment size " + std::to_string(o.segment_bytes) + " is too small");
  }
  if (o.first_offset == 0) return Status::InvalidArgument("offsets start at 1");
  return Status::OK();
}

Writer::Writer(std::string dir, WriterOptions options, FileLock lock)
    : dir_(std::move(dir)),
      opt_(std::move(options)),
      files_(opt_.files != nullptr ? *opt_.files : PosixFileOps()),
      lock_(std::move(lock)) {}

Result<std::unique_ptr<Writer>> Writer::Open(const std::string& dir, const WriterOptions& options) {
  KV_RETURN_IF_ERROR(ValidateWriterOptions(options));
  KV_RETURN_IF_ERROR(CreateDirsDurably(dir));
  KV_ASSIGN_OR_RETURN(FileLock lock, FileLock::Acquire(LockFileIn(dir)));
  std::unique_ptr<Writer> w(new Writer(dir, options, std::move(lock)));
  KV_RETURN_IF_ERROR(w->Recover());
  if (options.wal_level == 2 && options.fsync_period_ms > 0) {
    w->sync_thread_ = std::thread([p = w.get()] { p->BackgroundSync(); });
  }
  return w;
}

Writer::~Writer() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  stop_cv_.notify_all();
  if (sync_thread_.joinable()) sync_thread_.join();
  if (file_ && opt_.wal_level == 2) file_->Sync();  // nobody is left to hear of a failure
}

// Finds where the log ends, cuts off a torn tail (into quarantine) and opens the
// last segment for appending.
Status Writer::Recover() {
  const std::string marker = dir_ + "/" + kSalvageMarkerName;
  if (PathExists(marker)) {
    auto journal = ReadWholeFile(marker);
    return Status::FailedPrecondition(
        dir_ + " holds part of a log: a `repair wal salvage` of it was interrupted (journal " +
        (journal.ok() ? journal->substr(0, journal->find('\n')) : marker) + "); finish it with `repair wal salvage " +
        dir_ + " --apply` before starting the server");
  }
  auto tail = FindTail(dir_);
  if (!tail.ok()) {
    return tail.status().WithContext(
        "cannot append to " + dir_ + " (inspect it with `inspect wal --verify`, repair it with `repair wal`)");
  }
  if (tail->segments == 0) return Status::OK();  // the first Append creates the first segment
  // Checked before anything is cut: a writer opened on the wrong folder changes nothing.
  const bool has_header = tail->segments > (tail->unfinished_segment.empty() ? 0 : 1);
  if (has_header && (tail->tid != opt_.tid || tail->pid != opt_.pid)) {
    return Status::FailedPrecondition(dir_ + " holds the log of table " + std::to_string(tail->tid) +
                                      " partition " + std::to_string(tail->pid) + ", not of table " +
                                      std::to_string(opt_.tid) + " partition " + std::to_string(opt_.pid));
  }
  if (tail->torn_bytes > 0 || !tail->unfinished_segment.empty()) KV_RETURN_IF_ERROR(CutTornTail(*tail));

  KV_ASSIGN_OR_RETURN(std::vector<std::string> files, ListSegmentFiles(dir_));
  if (files.empty()) return Status::OK();
  const std::string& last_path = files.back();
  FileWindow last_file(kSegmentHeaderSize);
  KV_RETURN_IF_ERROR(last_file.Open(last_path));
  KV_ASSIGN_OR_RETURN(SegmentHeader last_header, ReadSegmentHeader(&last_file));
  last_offset_ = tail->empty ? last_header.first_offset - 1 : tail->last_offset;
  last_term_ = tail->last_term;
  written_offset_ = durable_offset_ = last_offset_;
  KV_ASSIGN_OR_RETURN(file_, files_.OpenForAppend(last_path));
  KV_ASSIGN_OR_RETURN(segment_size_, FileSize(last_path));
  return Status::OK();
}

// Saves the torn tail into a quarantine and cuts it off the log.
Status Writer::CutTornTail(const LogTail& tail) {
  const std::string& unfinished = tail.unfinished_segment;
  if (opt_.torn_tail_quarantine_root.empty()) {
    const std::string what = unfinished.empty()
                                 ? "ends in a torn tail of " + std::to_string(tail.torn_bytes) + " bytes"
                                 : "ends in a segment file without a header (" + unfinished + ")";
    return Status::FailedPrecondition(dir_ + " " + what + "; run `repair wal truncate-tail " + dir_ + "`");
  }
  const std::string command = opt_.opened_by.empty() ? "wal writer open " + dir_ : opt_.opened_by;
  KV_ASSIGN_OR_RETURN(Quarantine q, Quarantine::Create(opt_.torn_tail_quarantine_root, "torn-tail", command));
  torn_tail_quarantine_ = q.dir();
  if (!unfinished.empty()) {
    KV_RETURN_IF_ERROR(q.MoveIn(unfinished, "segment file whose header was never written, "
                                            "set aside when the log was reopened"));
  }
  if (tail.torn_bytes == 0) return Status::OK();
  KV_ASSIGN_OR_RETURN(std::vector<std::string> files, ListSegmentFiles(dir_));
  const std::string& torn_path = files.back();  // the newest segment with a header
  const uint64_t keep = tail.last_file == torn_path ? tail.end_pos : kSegmentHeaderSize;
  KV_ASSIGN_OR_RETURN(std::string bytes, ReadWholeFile(torn_path));
  KV_RETURN_IF_ERROR(q.AddBytes(torn_path.substr(torn_path.rfind('/') + 1) + ".torn-tail",
                                std::string_view(bytes).substr(keep), torn_path,
                                "torn tail after the last valid record, cut when the log was reopened"));
  return files_.Truncate(torn_path, keep);
}

Status Writer::OpenNewSegment(uint64_t first_offset) {
  SegmentHeader h;
  h.tid = opt_.tid;
  h.pid = opt_.pid;
  h.first_offset = first_offset;
  const std::string path = dir_ + "/" + SegmentFileName(first_offset);
  // Made under a temporary name and renamed once its header is durable, so a
  // segment file never exists without a whole header; the folder is synced
  // after the rename, so the name survives a power cut with the records after it.
  KV_RETURN_IF_ERROR(WriteFileDurably(files_, path, EncodeSegmentHeader(h)));
  KV_ASSIGN_OR_RETURN(file_, files_.OpenForAppend(path));
  segment_size_ = kSegmentHeaderSize;
  return Status::OK();
}

Status Writer::Append(const std::vector<Record>& records) {
  return Submit(const_cast<std::vector<Record>*>(&records), /*assign=*/false);
}

Status Writer::AppendAssigning(std::vector<Record>* records) { return Submit(records, true); }

Status Writer::Submit(std::vector<Record>* records, bool assign) {
  if (records->empty()) return Status::OK();
  for (const Record& r : *records) {
    if (r.payload.size() > kMaxPayloadSize) {
      return Status::InvalidArgument("record payload of " + std::to_string(r.payload.size()) +
                                     " bytes exceeds the limit of " + std::to_string(kMaxPayloadSize));
    }
    if (static_cast<uint8_t>(r.type) > kMaxRecordType) return Status::InvalidArgument("unknown record type");
  }
  Pending w{records, assign, Status::OK(), false, {}};
  std::unique_lock<std::mutex> l(mu_);
  if (!poisoned_.ok()) return poisoned_;
  queue_.push_back(&w);
  while (!w.done && &w != queue_.front()) w.cv.wait(l);
  if (w.done) return w.status;
  if (!poisoned_.ok()) {  // a group failed while this caller waited: write nothing after it
    queue_.pop_front();
    if (!queue_.empty()) queue_.front()->cv.notify_one();
    return poisoned_;
  }

  // This caller leads a group: everyone queued behind it, up to a size bound.
  std::vector<Pending*> group;
  // Refused callers are marked done only with the group: once done, a caller may
  // leave (even on a spurious wakeup) and its Pending must then be off the queue.
  std::vector<Pending*> refused;
  size_t bytes = 0;
  uint64_t next = last_offset_ + 1;
  uint64_t term = last_term_;
  const bool log_empty = last_offset_ == 0 && !file_;
  for (Pending* p : queue_) {
    size_t size = EncodedSize(*p->records);
    if (!group.empty() && bytes + size > kMaxGroupBytes) break;
    std::vector<Record>& rs = *p->records;
    Status check;
    if (p->assign) {
      if (log_empty && group.empty()) next = opt_.first_offset;
    } else if (log_empty && group.empty() && rs.front().offset >= 1) {
      next = rs.front().offset;
    }
    uint64_t n = next, t = term;
    for (Record& r : rs) {
      if (p->assign) r.offset = n;
      if (n > kMaxOffset) {
        check = Status::InvalidArgument("record offset " + std::to_string(n) + " is past the last possible offset " +
                                        std::to_string(kMaxOffset));
        break;
      }
      if (r.offset != n) {
        check = Status::InvalidArgument("record offset " + std::to_string(r.offset) +
                                        " does not follow the log's last offset " + std::to_string(n - 1));
        break;
      }
      if (r.term < t) {
        check = Status::InvalidArgument("record term " + std::to_string(r.term) +
                                        " is older than the log's term " + std::to_string(t));
        break;
      }
      t = r.term;
      ++n;
    }
    if (!check.ok()) {
      if (p == &w) {
        queue_.pop_front();
        if (!queue_.empty()) queue_.front()->cv.notify_one();
        return check;
      }
      p->status = check;  // refused alone; the others still go in
      refused.push_back(p);
      continue;
    }
    next = n;
    term = t;
    bytes += size;
    group.push_back(p);
  }
  l.unlock();
  Status s = WriteGroup(group);
  l.lock();
  if (s.ok()) {
    KV_INVARIANT("wal-offsets-contiguous", next - 1 >= last_offset_, "group ended before the log's end");
    last_offset_ = next - 1;
    last_term_ = term;
    written_offset_ = last_offset_;
    if (opt_.wal_level == 1 || opt_.fsync_period_ms == 0) durable_offset_ = last_offset_;
  } else {
    poisoned_ = s.WithContext("WAL writer stopped after a failed write (reopen to recover)");
  }
  // Take every finished caller (the group and any refused ones) off the queue.
  for (Pending* p : group) {
    p->status = s;
    p->done = true;
  }
  for (Pending* p : refused) p->done = true;
  while (!queue_.empty() && queue_.front()->done) {
    Pending* p = queue_.front();
    queue_.pop_front();
    if (p != &w) p->cv.notify_one();
  }
  if (!queue_.empty()) queue_.front()->cv.notify_one();
  return w.status;
}

Status Writer::WriteGroup(std::vector<Pending*>& group) {
  std::lock_guard<std::mutex> sl(sync_mu_);
  if (group.empty()) return Status::OK();
  const uint64_t first = group.front()->records->front().offset;
  if (!file_ || (segment_size_ >= opt_.segment_bytes && segment_size_ > kSegmentHeaderSize)) {
    // At every level, once per segment: at level 1 a power cut that tore a
    // closed segment but kept records of the next would leave a hole in the
    // middle of the log, where that level promises only a torn tail.
    if (file_) KV_RETURN_IF_ERROR(file_->Sync().WithContext("before rolling the segment"));
    KV_RETURN_IF_ERROR(OpenNewSegment(first));
  }
  encode_buf_.clear();
  for (Pending* p : group) {
    for (const Record& r : *p->records) EncodeRecord(r, &encode_buf_);
  }
  KV_RETURN_IF_ERROR(file_->Append(encode_buf_));
  segment_size_ += encode_buf_.size();
  if (opt_.wal_level == 2 && opt_.fsync_period_ms == 0) return file_->Sync();
  return Status::OK();
}

Status Writer::Sync() {
  std::lock_guard<std::mutex> sl(sync_mu_);
  return SyncLocked();
}

// Caller holds sync_mu_, so no group is being written meanwhile.
Status Writer::SyncLocked() {
  uint64_t written;
  {
    std::lock_guard<std::mutex> l(mu_);
    written = written_offset_;
  }
  if (file_) KV_RETURN_IF_ERROR(file_->Sync());
  std::lock_guard<std::mutex> l(mu_);
  if (written > durable_offset_) durable_offset_ = written;
  return Status::OK();
}

void Writer::BackgroundSync() {
  std::unique_lock<std::mutex> l(mu_);
  while (!stop_) {
    stop_cv_.wait_for(l, std::chrono::milliseconds(opt_.fsync_period_ms));
    if (stop_ || durable_offset_ == written_offset_) continue;
    l.unlock();
    Status s = Sync();
    l.lock();
    if (!s.ok() && poisoned_.ok()) poisoned_ = s.WithContext("background fsync failed");
  }
}

uint64_t Writer::last_offset() const {
  std::lock_guard<std::mutex> l(mu_);
  return last_offset_;
}

uint64_t Writer::last_term() const {
  std::lock_guard<std::mutex> l(mu_);
  return last_term_;
}

Status Writer::failure() const {
  std::lock_guard<std::mutex> l(mu_);
  return poisoned_;
}

uint64_t Writer::durable_offset() const {
  std::lock_guard<std::mutex> l(mu_);
  return durable_offset_;
}

}  // namespace kv::wal
