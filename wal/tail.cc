#include "wal/tail.h"

#include <optional>

#include "wal/reader.h"
#include "wal/segment.h"

namespace kv::wal {
namespace {

// The last record of a segment from its trailer; false when the end of the file is not
// a complete, valid record.
bool LastRecordFromTrailer(std::string_view data, RecordView* out, size_t* pos) {
  if (data.size() < kSegmentHeaderSize + kRecordOverhead) return false;
  const uint32_t len = DecodeFixed32(data.data() + data.size() - kRecordTrailerSize);
  if (len < kRecordOverhead || len > data.size() - kSegmentHeaderSize) return false;
  const size_t start = data.size() - len;
  ParsedRecord p = ParseRecordAt(data, start);
  if (p.outcome != ParseOutcome::kRecord || p.length != len) return false;
  *out = p.view;
  *pos = start;
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
  for (size_t i = files.size(); i-- > 0;) {
    const std::string& path = files[i];
    KV_ASSIGN_OR_RETURN(MappedFile map, MappedFile::Open(path));
    const std::string_view data = map.data();
    auto header = DecodeSegmentHeader(data);
    if (!header.ok()) {
      if (i + 1 == files.size() && LooksLikeUnfinishedSegment(data)) {
        tail.unfinished_segment = path;
        continue;
      }
      return header.status().WithContext(path);
    }
    const bool newest = !newer_first.has_value();
    if (newest) {
      tail.tid = header->tid;
      tail.pid = header->pid;
    }
    RecordView last;
    size_t pos = 0;
    if (LastRecordFromTrailer(data, &last, &pos)) {
      tail.last_offset = last.offset;
      tail.last_term = last.term;
      tail.end_pos = data.size();
    } else if (data.size() > kSegmentHeaderSize) {
      tail.used_fast_path = false;
      TailHandler h(newest);
      auto scanned = ReadSegments({path}, ReadOptions{}, &h);
      if (!scanned.ok()) return scanned.status();
      if (!h.refused.empty()) return Status::Corruption(h.refused);
      if (newest) tail.torn_bytes = data.size() - (h.found ? h.end : kSegmentHeaderSize);
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
