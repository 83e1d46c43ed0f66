// Appending to a WAL, with TDengine's durability levels and group commit.
//
//   wal_level 1: records are written to the file (they survive a process crash,
//                not a machine crash); no fsync.
//   wal_level 2: records are fsynced. fsync_period_ms = 0 fsyncs before Append
//                returns; > 0 fsyncs in the background every period, and
//                Append returns once the bytes are written.
// Sync() fsyncs everything written so far at either level: at level 2 a segment
// is fsynced before the writer moves on to the next, at level 1 Sync() also
// fsyncs the segments closed since the last Sync().
//
// Any number of threads may call Append at once: the first in the queue writes
// the whole queue in one write() and one fsync (group commit) and wakes the rest.
// Offsets are +1 per record without exception (checked here, before any byte
// is written). The writer holds <dir>/LOCK for its whole life, so offline
// repair cannot run beside it.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/file.h"
#include "common/status.h"
#include "wal/durability.h"
#include "wal/file_ops.h"
#include "wal/record.h"
#include "wal/tail.h"

namespace kv::wal {

struct WriterOptions {
  uint32_t tid = 0;
  uint32_t pid = 0;
  int wal_level = Durability::kDefaultLevel;  // 1 or 2 (see above, and wal/durability.h)
  uint32_t fsync_period_ms = 0;               // wal_level 2 only
  uint64_t segment_bytes = 64ull << 20;  // roll to a new segment past this size
  uint64_t first_offset = 1;      // offset of the first record of a new, empty log
  // When the log ends in a torn tail, save the torn bytes (and a newest segment
  // file that never got its header) into a quarantine under this folder and cut
  // them off; empty = refuse to open such a log.
  std::string torn_tail_quarantine_root;
  // What opened the log (a repair's command line, a tablet opening a replica):
  // the quarantine manifest's `command`. Empty: "wal writer open DIR".
  std::string opened_by;
  // The files the writer appends, syncs, creates and renames (wal/file_ops.h);
  // null: the system's. Tests put a power-cut simulator here. Not owned.
  FileOps* files = nullptr;
};

Status ValidateWriterOptions(const WriterOptions& o);

class Writer {
 public:
  static Result<std::unique_ptr<Writer>> Open(const std::string& dir, const WriterOptions& options);
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Appends records whose offsets the caller chose (a follower copying its
  // leader, a repair tool): the first must be last_offset() + 1 (or any offset
  // >= 1 when the log is empty), each next one +1.
  Status Append(const std::vector<Record>& records);
  // Appends records giving them the next offsets (a leader); sets each record's
  // offset. Returns when durable at the configured level.
  Status AppendAssigning(std::vector<Record>* records);

  // Forces an fsync of everything written so far.
  Status Sync();

  uint64_t last_offset() const;     // 0 when the log is empty
  uint64_t last_term() const;
  uint64_t durable_offset() const;  // last offset known to be on disk at the configured level
  // OK, or why the writer stopped: after a failed write or fsync the file is in
  // an unknown state, so every later Append is refused with this; reopening
  // (which cuts a torn tail and finds the log's real end) is the way back.
  Status failure() const;
  const std::string& dir() const { return dir_; }
  // The quarantine folder made for a torn tail at open, if any.
  const std::string& torn_tail_quarantine() const { return torn_tail_quarantine_; }

 private:
  struct Pending;
  Writer(std::string dir, WriterOptions options, FileLock lock);
  Status Recover();
  Status CutTornTail(const LogTail& tail);
  Status Submit(std::vector<Record>* records, bool assign);
  Status WriteGroup(std::vector<Pending*>& group);
  Status OpenNewSegment(uint64_t first_offset);
  Status SyncLocked();
  void BackgroundSync();

  const std::string dir_;
  const WriterOptions opt_;
  FileOps& files_;
  FileLock lock_;
  std::string torn_tail_quarantine_;

  mutable std::mutex mu_;
  std::deque<Pending*> queue_;
  Status poisoned_;            // a failed write leaves the file in an unknown state: refuse from then on
  uint64_t last_offset_ = 0;   // guarded by mu_ (written only by the group leader)
  uint64_t last_term_ = 0;
  uint64_t written_offset_ = 0;
  uint64_t durable_offset_ = 0;

  // Touched only by the group leader (one at a time) and Sync/BackgroundSync under sync_mu_.
  std::mutex sync_mu_;
  std::unique_ptr<AppendFile> file_;
  uint64_t segment_size_ = 0;
  std::string encode_buf_;

  bool stop_ = false;
  std::condition_variable stop_cv_;
  std::thread sync_thread_;
};

}  // namespace kv::wal
