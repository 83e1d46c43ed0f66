#include "wal/tail.h"

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

// Scans one segment and keeps its last valid record; only a torn tail is tolerated.
class TailHandler : public ReadHandler {
 public:
  bool OnRecord(const RecordView& r, const RecordLocation& where) override {
    found = true;
    offset = r.offset;
    term = r.term;
    end = where.file_pos + where.length;
    return true;
  }
  bool OnDamage(const Damage& d) override {
    if (d.kind == DamageKind::kTornTail) return true;
    refused = d.Describe();
    return false;
  }
  bool found = false;
  uint64_t offset = 0, term = 0, end = 0;
  std::string refused;
};

}  // namespace

Result<LogTail> FindTail(const std::string& dir) {
  KV_ASSIGN_OR_RETURN(std::vector<std::string> files, ListSegmentFiles(dir));
  LogTail tail;
  tail.segments = files.size();
  if (files.empty()) return tail;
  tail.first_offset = *ParseSegmentFileName(files.front().substr(files.front().rfind('/') + 1));

  // Walk back from the newest segment until one holds a record (the newest may be
  // freshly rolled and still empty).
  for (size_t i = files.size(); i-- > 0;) {
    const std::string& path = files[i];
    KV_ASSIGN_OR_RETURN(MappedFile map, MappedFile::Open(path));
    auto header = DecodeSegmentHeader(map.data());
    if (!header.ok()) return header.status().WithContext(path);
    if (i + 1 == files.size()) {
      tail.tid = header->tid;
      tail.pid = header->pid;
    }
    RecordView last;
    size_t pos = 0;
    if (LastRecordFromTrailer(map.data(), &last, &pos)) {
      tail.empty = false;
      tail.last_offset = last.offset;
      tail.last_term = last.term;
      tail.last_file = path;
      tail.end_pos = map.data().size();
      tail.used_fast_path = true;
      return tail;
    }
    TailHandler h;
    auto scanned = ReadSegments({path}, ReadOptions{}, &h);
    if (!scanned.ok()) return scanned.status();
    if (!h.refused.empty()) return Status::Corruption(h.refused);
    const uint64_t after = h.found ? h.end : kSegmentHeaderSize;
    if (i + 1 == files.size()) tail.torn_bytes = map.data().size() - std::min<uint64_t>(after, map.data().size());
    if (h.found) {
      tail.empty = false;
      tail.last_offset = h.offset;
      tail.last_term = h.term;
      tail.last_file = path;
      tail.end_pos = h.end;
      return tail;
    }
    if (i + 1 != files.size() && map.data().size() > kSegmentHeaderSize) {
      return Status::Corruption(path + ": segment before the last holds no valid record");
    }
  }
  return tail;
}

}  // namespace kv::wal
