#include "wal/truncate.h"

#include <unistd.h>

#include <cerrno>
#include <optional>

#include "common/file.h"
#include "common/quarantine.h"
#include "wal/reader.h"
#include "wal/segment.h"

namespace kv::wal {
namespace {

// Finds where the kept part ends and counts what follows.
class CutFinder : public ReadHandler {
 public:
  explicit CutFinder(uint64_t keep_through) : keep_(keep_through) {}
  bool OnRecord(const RecordView& r, const RecordLocation& where) override {
    if (r.offset <= keep_) {
      cut_file = *where.file;
      cut_pos = where.file_pos + where.length;
      return true;
    }
    if (result.records_cut == 0) result.first_cut_offset = r.offset;
    ++result.records_cut;
    result.last_cut_offset = r.offset;
    return true;
  }
  bool OnDamage(const Damage& d) override {
    if (cut_file.empty() && keep_ > 0 && d.kind != DamageKind::kTornTail) {
      refused = d.Describe();  // damage before the cut point: the kept part would be damaged
      return false;
    }
    return true;  // damage after the cut point is cut (and saved) with the rest
  }
  uint64_t keep_;
  std::string cut_file, refused;
  uint64_t cut_pos = 0;
  TruncateResult result;
};

}  // namespace

Result<TruncateResult> TruncateAfter(const std::string& dir, uint64_t keep_through,
                                     const std::string& quarantine_root, const std::string& command) {
  KV_ASSIGN_OR_RETURN(FileLock lock, FileLock::Acquire(LockFileIn(dir)));
  KV_ASSIGN_OR_RETURN(std::vector<std::string> files, ListSegmentFiles(dir));
  CutFinder finder(keep_through);
  ReadOptions ro;
  ro.from_offset = keep_through;
  KV_ASSIGN_OR_RETURN(ReadSummary sum, ReadSegments(files, ro, &finder));
  if (!finder.refused.empty()) {
    return Status::Corruption("cannot truncate " + dir + " after offset " + std::to_string(keep_through) +
                              ": " + finder.refused);
  }
  if (keep_through > 0 && finder.cut_file.empty()) {
    return Status::InvalidArgument(dir + " does not hold offset " + std::to_string(keep_through) +
                                   " (its records end at " + std::to_string(sum.last_offset) + ")");
  }
  // The file where the cut falls, and every segment after it, in offset order.
  std::string cut_file = finder.cut_file;
  uint64_t cut_pos = finder.cut_pos;
  if (keep_through == 0) {
    if (files.empty()) return TruncateResult{};
    cut_file = files.front();
    cut_pos = kSegmentHeaderSize;
  }
  std::vector<std::string> later;
  bool seen = false;
  for (const std::string& f : files) {
    if (seen) later.push_back(f);
    if (f == cut_file) seen = true;
  }
  KV_ASSIGN_OR_RETURN(uint64_t cut_file_size, FileSize(cut_file));
  TruncateResult result = finder.result;
  if (cut_pos >= cut_file_size && later.empty()) return result;  // nothing after the offset

  KV_ASSIGN_OR_RETURN(Quarantine q, Quarantine::Create(quarantine_root,
                                                        "truncate-after-" + std::to_string(keep_through), command));
  result.changed = true;
  result.quarantine_dir = q.dir();
  const std::string why = "records after offset " + std::to_string(keep_through) + " cut from the log";
  // Newest first, and the cut segment last: a crash part-way leaves a shorter log
  // that is still whole, never one with a hole in it.
  for (auto f = later.rbegin(); f != later.rend(); ++f) {
    KV_ASSIGN_OR_RETURN(uint64_t size, FileSize(*f));
    KV_RETURN_IF_ERROR(q.MoveIn(*f, why));
    result.bytes_cut += size;
  }
  if (cut_pos <= kSegmentHeaderSize) {
    KV_RETURN_IF_ERROR(q.MoveIn(cut_file, why));
    result.bytes_cut += cut_file_size;
  } else if (cut_pos < cut_file_size) {
    // The cut part of a segment is saved as a segment of its own, readable by `inspect wal`.
    KV_ASSIGN_OR_RETURN(std::string bytes, ReadWholeFile(cut_file));
    KV_ASSIGN_OR_RETURN(SegmentHeader h, DecodeSegmentHeader(bytes));
    h.first_offset = keep_through + 1;
    std::string side = EncodeSegmentHeader(h);
    side.append(bytes, cut_pos, std::string::npos);
    KV_RETURN_IF_ERROR(q.AddBytes(SegmentFileName(keep_through + 1), side, cut_file, why));
    if (::truncate(cut_file.c_str(), static_cast<off_t>(cut_pos)) != 0) {
      return Status::FromErrno("truncate " + cut_file, errno);
    }
    KV_ASSIGN_OR_RETURN(UniqueFd fd, OpenReadOnly(cut_file));
    if (::fsync(fd.get()) != 0) return Status::FromErrno("fsync " + cut_file, errno);
    result.bytes_cut += cut_file_size - cut_pos;
  }
  KV_RETURN_IF_ERROR(FsyncDir(dir));
  return result;
}

}  // namespace kv::wal
