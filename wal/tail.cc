#include "wal/tail.h"

#include <optional>

#include "wal/reader.h"
#include "wal/segment.h"

namespace kv::wal {
namespace {

// The last record of a segment from its trailer; false when the end of the file is not
// a complete, valid record.
Result<bool> LastRecordFromTrailer(FileWindow* file, RecordView* out) {
  const uint64_t size = file->size();
  if (size < kSegmentHeaderSize + kRecordOverhead) return false;
  KV_RETURN_IF_ERROR(file->Ensure(size - kRecordTrailerSize, kRecordTrailerSize));
  const uint32_t len = DecodeFixed32(file->From(size - kRecordTrailerSize).data());
  if (len < kRecordOverhead || len > size - kSegmentHeaderSize) return false;
  ParsedRecord p;
  KV_RETURN_IF_ERROR(ParseRecordIn(file, size - len, &p));
  // A record whose length field disagrees with the trailer ends elsewhere: not the last record.
  if (p.outcome != ParseOutcome::kRecord || p.length != len) return false;
  *out = p.view;
  return true;
}

// Scans one segment and keeps its last valid record. A torn tail is tolerated only
// in the newest segment: an older one was closed (and, at wal_level 2, fsynced)
// before the next was made, so bad bytes at its end are damage.
class TailHandler : public ReadHandler {
 public:
  explicit TailHandler(bool allow_torn_tail) : allow_torn_tail_(allow_torn_tail) {}
  bool OnRecord(const RecordView& r, const RecordLocation& where) override {
    found = true;
    offset = r.offset;
    term = r.term;
    end = where.file_pos + where.length;
    return true;
  }
  bool OnDamage(const Damage& d) override {
    if (allow_torn_tail_ && d.kind == DamageKind::kTornTail) return true;
    refused = d.Describe();
    return false;
  }
  bool found = false;
  uint64_t offset = 0, term = 0, end = 0;
  std::string refused;

 private:
  bool allow_torn_tail_;
};

std::string FileName(const std::string& path) { return path.substr(path.rfind('/') + 1); }

}  // namespace

Result<LogTail> FindTail(const std::string& dir) {
  KV_ASSIGN_OR_RETURN(std::vector<std::string> files, ListSegmentFiles(dir));
  LogTail tail;
  tail.segments = files.size();
  if (files.empty()) return tail;
  tail.first_offset = *ParseSegmentFileName(FileName(files.front()));
  tail.used_fast_path = true;

  // Walk back from the newest segment until one holds a record: the newest may be
  // freshly rolled and still empty, or have no header yet.
  std::optional<uint64_t> newer_first;  // first offset of the nearest newer segment with a header
  // A small window: the fast path reads a trailer and one record.
  FileWindow file(64 << 10);
  for (size_t i = files.size(); i-- > 0;) {
    const std::string& path = files[i];
    KV_RETURN_IF_ERROR(file.Open(path));
    const uint64_t size = file.size();
    auto header = ReadSegmentHeader(&file);
    if (!header.ok()) {
      if (i + 1 == files.size()) {
        KV_ASSIGN_OR_RETURN(bool unfinished, IsUnfinishedSegmentFile(&file));
        if (unfinished) {
          tail.unfinished_segment = path;
          continue;
        }
      }
      return header.status().WithContext(path);
    }
    const bool newest = !newer_first.has_value();
    if (newest) {
      tail.tid = header->tid;
      tail.pid = header->pid;
    }
    RecordView last;
    KV_ASSIGN_OR_RETURN(bool trailer_ok, LastRecordFromTrailer(&file, &last));
    if (trailer_ok) {
      tail.last_offset = last.offset;
      tail.last_term = last.term;
      tail.end_pos = size;
    } else if (size > kSegmentHeaderSize) {
      tail.used_fast_path = false;
      TailHandler h(newest);
      auto scanned = ReadSegments({path}, ReadOptions{}, &h);
      if (!scanned.ok()) return scanned.status();
      if (!h.refused.empty()) return Status::Corruption(h.refused);
      if (newest) tail.torn_bytes = size - (h.found ? h.end : kSegmentHeaderSize);
      if (h.found) {
        tail.last_offset = h.offset;
        tail.last_term = h.term;
        tail.end_pos = h.end;
      }
    }
    if (tail.end_pos == 0) {  // no record here: the log ends in an older segment
      if (newer_first && *newer_first != header->first_offset) {
        return Status::Corruption(path + " holds no record and starts at offset " +
                                  std::to_string(header->first_offset) + ", but the next segment starts at " +
                                  std::to_string(*newer_first));
      }
      newer_first = header->first_offset;
      continue;
    }
    if (newer_first && tail.last_offset + 1 != *newer_first) {
      return Status::Corruption(path + " ends at offset " + std::to_string(tail.last_offset) +
                                " but the next segment starts at " + std::to_string(*newer_first));
    }
    tail.empty = false;
    tail.last_file = path;
    return tail;
  }
  return tail;
}

}  // namespace kv::wal
