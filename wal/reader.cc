#include "wal/reader.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>

#include "common/file.h"

namespace kv::wal {

const char* DamageKindName(DamageKind k) {
  switch (k) {
    case DamageKind::kTornTail: return "torn-tail";
    case DamageKind::kCorruptRecords: return "corrupt-records";
    case DamageKind::kBadSegmentHeader: return "bad-segment-header";
    case DamageKind::kForeignSegment: return "foreign-segment";
    case DamageKind::kMissingSegment: return "missing-segment";
    case DamageKind::kOverlap: return "overlap";
    case DamageKind::kOffsetJump: return "offset-jump";
    case DamageKind::kTermRegression: return "term-regression";
  }
  return "unknown";
}

const char* ReadModeName(ReadMode mode) {
  switch (mode) {
    case ReadMode::kStrict: return "strict";
    case ReadMode::kTolerateTornTail: return "tolerate-torn-tail";
    case ReadMode::kSalvage: return "salvage";
  }
  return "unknown";
}

const char* ReadEndName(ReadEnd e) {
  switch (e) {
    case ReadEnd::kCleanEnd: return "clean end of log";
    case ReadEnd::kTornTail: return "torn tail (the writer died mid-write; no acknowledged record is affected at wal_level 2)";
    case ReadEnd::kDamaged: return "damaged (see the damage list)";
    case ReadEnd::kStoppedAtDamage: return "stopped at damage";
    case ReadEnd::kStoppedByCaller: return "stopped at the requested range";
  }
  return "unknown";
}

bool ModeAllows(ReadMode mode, const Damage& damage) {
  switch (mode) {
    case ReadMode::kStrict: return false;
    case ReadMode::kTolerateTornTail: return damage.kind == DamageKind::kTornTail;
    case ReadMode::kSalvage: return true;
  }
  return false;
}

std::string Damage::Describe() const {
  std::string s = DamageKindName(kind);
  if (!file.empty()) {
    s += " in " + file + " at byte " + std::to_string(file_pos);
    if (length > 0) s += " (" + std::to_string(length) + " bytes)";
  }
  s += ": " + reason;
  if (has_crc) {
    char buf[64];
    std::snprintf(buf, sizeof buf, " (stored crc %08x, computed %08x)", expected_crc, computed_crc);
    s += buf;
  }
  if (lost_from != 0) {
    s += "; offsets " + std::to_string(lost_from) + ".." +
         (lost_to != 0 ? std::to_string(lost_to) : std::string("?")) + " lost";
  } else if (kind == DamageKind::kTornTail || kind == DamageKind::kCorruptRecords) {
    s += "; no complete record lost";
  }
  return s;
}

Result<std::vector<std::string>> ListSegmentFiles(const std::string& dir) {
  if (!PathExists(dir)) return Status::NotFound(dir + ": no such folder");
  if (!IsDirectory(dir)) return Status::InvalidArgument(dir + " is not a folder");
  KV_ASSIGN_OR_RETURN(std::vector<std::string> names, ListDir(dir));
  std::vector<std::string> files;
  for (const std::string& n : names) {
    if (ParseSegmentFileName(n).has_value()) files.push_back(dir + "/" + n);
  }
  return files;
}

namespace {

// A segment file as found before its records are read: only its header is read here.
struct SegmentFile {
  std::string path;
  std::optional<SegmentHeader> header;  // nullopt when the header is unreadable
  Status header_status;
  uint64_t sort_offset = 0;  // header's first offset, else the name's, else 0
};

// One pass over the ordered segments; keeps the continuity state between them.
class LogScan {
 public:
  LogScan(const ReadOptions& options, ReadHandler* handler) : opt_(options), h_(handler) {}

  // Returns false when the handler stopped the read or a read failed (see io_status()).
  bool Segment(const SegmentFile& seg, FileWindow* file, bool is_last, uint64_t next_segment_first);
  // Returns false when the handler stopped the read.
  bool Report(Damage d) {
    ++sum_.damages;
    sum_.skipped_bytes += d.length;
    if (d.kind == DamageKind::kTornTail) {
      saw_torn_tail_ = true;
    } else {
      saw_damage_ = true;
    }
    if (!h_->OnDamage(d)) {
      sum_.end = ReadEnd::kStoppedAtDamage;
      return false;
    }
    return true;
  }
  ReadSummary& summary() { return sum_; }
  bool saw_torn_tail() const { return saw_torn_tail_; }
  bool saw_damage() const { return saw_damage_; }
  bool done() const { return done_; }
  std::optional<uint64_t> expected() const { return expected_; }
  const Status& io_status() const { return io_status_; }

 private:
  // Records an I/O error that ends the read; returns false to stop.
  bool Failed(Status s) {
    io_status_ = std::move(s);
    return false;
  }
  bool Deliver(const SegmentFile& seg, const ParsedRecord& p, uint64_t pos);
  bool FlushOverlap(const SegmentFile& seg);
  bool DamageAt(const SegmentFile& seg, FileWindow* file, uint64_t pos, const ParsedRecord& p, bool is_last,
                uint64_t next_segment_first, uint64_t* resume);

  const ReadOptions& opt_;
  ReadHandler* h_;
  ReadSummary sum_;
  std::optional<uint64_t> expected_;  // offset the next record must have
  uint64_t last_term_ = 0;
  bool saw_torn_tail_ = false, saw_damage_ = false, done_ = false;
  Status io_status_;
  const std::string* last_file_ = nullptr;  // the segment sum_.last_file names
  // A run of records already seen (offset < expected), reported as one overlap.
  uint64_t overlap_from_ = 0, overlap_to_ = 0, overlap_pos_ = 0, overlap_bytes_ = 0;
};

bool LogScan::FlushOverlap(const SegmentFile& seg) {
  if (overlap_bytes_ == 0) return true;
  Damage d;
  d.kind = DamageKind::kOverlap;
  d.file = seg.path;
  d.file_pos = overlap_pos_;
  d.length = overlap_bytes_;
  d.reason = "offsets " + std::to_string(overlap_from_) + ".." + std::to_string(overlap_to_) +
             " were already read from an earlier segment or position; these copies are skipped";
  d.last_good_offset = expected_.value_or(1) - 1;
  overlap_bytes_ = 0;
  return Report(d);
}

bool LogScan::Deliver(const SegmentFile& seg, const ParsedRecord& p, uint64_t pos) {
  const RecordView& r = p.view;
  if (expected_ && r.offset < *expected_) {
    if (overlap_bytes_ == 0) {
      overlap_from_ = r.offset;
      overlap_pos_ = pos;
    }
    overlap_to_ = r.offset;
    overlap_bytes_ += p.length;
    return true;
  }
  if (!FlushOverlap(seg)) return false;
  if (expected_ && r.offset > *expected_) {
    Damage d;
    d.kind = DamageKind::kOffsetJump;
    d.file = seg.path;
    d.file_pos = pos;
    d.reason = "record offset " + std::to_string(r.offset) + " follows offset " +
               std::to_string(*expected_ - 1);
    d.last_good_offset = *expected_ - 1;
    d.next_good_offset = r.offset;
    d.lost_from = *expected_;
    d.lost_to = r.offset - 1;
    if (!Report(d)) return false;
  }
  if (r.term < last_term_) {
    Damage d;
    d.kind = DamageKind::kTermRegression;
    d.file = seg.path;
    d.file_pos = pos;
    d.reason = "record offset " + std::to_string(r.offset) + " has term " + std::to_string(r.term) +
               " after term " + std::to_string(last_term_);
    d.last_good_offset = r.offset - 1;
    if (!Report(d)) return false;
  }
  expected_ = r.offset + 1;
  last_term_ = r.term;
  if (r.offset < opt_.from_offset) return true;
  if (opt_.to_offset != 0 && r.offset > opt_.to_offset) {
    done_ = true;
    return true;
  }
  if (sum_.records == 0) sum_.first_offset = r.offset;
  ++sum_.records;
  sum_.last_offset = r.offset;
  sum_.last_term = r.term;
  if (last_file_ != &seg.path) {  // a copy per segment, not per record
    sum_.last_file = seg.path;
    last_file_ = &seg.path;
  }
  sum_.last_end_pos = pos + p.length;
  RecordLocation where{&seg.path, pos, p.length};
  if (!h_->OnRecord(r, where)) {
    sum_.end = ReadEnd::kStoppedByCaller;
    return false;
  }
  if (opt_.to_offset != 0 && r.offset == opt_.to_offset) done_ = true;
  return true;
}

// Bad bytes at pos: find the next valid record (resynchronise) and report the
// region in between. Sets *resume to where reading goes on.
bool LogScan::DamageAt(const SegmentFile& seg, FileWindow* file, uint64_t pos, const ParsedRecord& p,
                       bool is_last, uint64_t next_segment_first, uint64_t* resume) {
  uint64_t q = pos + 1;
  std::optional<uint64_t> next_offset;
  for (; q + kRecordOverhead <= file->size(); ++q) {
    Status read = file->Ensure(q, kRecordHeaderSize);
    if (!read.ok()) return Failed(read);
    if (!HeaderLooksValid(file->From(q), 0)) continue;
    ParsedRecord candidate;
    read = ParseRecordIn(file, q, &candidate);
    if (!read.ok()) return Failed(read);
    if (candidate.outcome == ParseOutcome::kRecord) {
      next_offset = candidate.view.offset;
      break;
    }
  }
  if (!next_offset) q = file->size();
  Damage d;
  d.file = seg.path;
  d.file_pos = pos;
  d.length = q - pos;
  d.reason = ParseOutcomeReason(p.outcome);
  d.has_crc = p.outcome == ParseOutcome::kBadHeaderCrc || p.outcome == ParseOutcome::kBadPayloadCrc;
  if (d.has_crc) {
    d.expected_crc = p.expected_crc;
    d.computed_crc = p.computed_crc;
  }
  d.last_good_offset = expected_.value_or(seg.header->first_offset) - 1;
  const uint64_t first_unknown = d.last_good_offset + 1;
  if (next_offset) {
    d.kind = DamageKind::kCorruptRecords;
    d.next_good_offset = *next_offset;
    if (*next_offset > first_unknown) {
      d.lost_from = first_unknown;
      d.lost_to = *next_offset - 1;
    }
  } else if (is_last) {
    // Nothing valid follows in the last segment: the writer died mid-write (FORMAT.md, "Reading").
    d.kind = DamageKind::kTornTail;
    Result<bool> zeros = AllZeroFrom(file, pos);
    if (!zeros.ok()) return Failed(zeros.status());
    if (*zeros) d.reason = "zero-filled tail";
    if (p.header_offset != 0 && p.header_offset == first_unknown) {
      // The writer got the header out, so this record was at least begun: a torn
      // write (never acknowledged at wal_level 2) or, when all its bytes are there,
      // damage after the fact. Either way the operator must see its offset.
      d.lost_from = d.lost_to = p.header_offset;
      d.reason += "; the header of offset " + std::to_string(p.header_offset) + " (term " +
                  std::to_string(p.header_term) + ") is intact";
    }
  } else {
    d.kind = DamageKind::kCorruptRecords;
    d.reason += "; nothing valid follows in this segment";
    d.next_good_offset = next_segment_first;
    if (next_segment_first > first_unknown) {
      d.lost_from = first_unknown;
      d.lost_to = next_segment_first - 1;
    }
  }
  // This report owns its lost range: the record or segment after it is no second
  // hole (no offset jump, no missing segment) for the same offsets.
  if (d.lost_to != 0) expected_ = d.lost_to + 1;
  *resume = q;
  return Report(d);
}

bool LogScan::Segment(const SegmentFile& seg, FileWindow* file, bool is_last, uint64_t next_segment_first) {
  const SegmentHeader& hdr = *seg.header;
  if (expected_ && hdr.first_offset > *expected_) {
    Damage d;
    d.kind = DamageKind::kMissingSegment;
    d.reason = "no segment holds offsets " + std::to_string(*expected_) + ".." +
               std::to_string(hdr.first_offset - 1) + " (next file: " + seg.path + ")";
    d.last_good_offset = *expected_ - 1;
    d.next_good_offset = hdr.first_offset;
    d.lost_from = *expected_;
    d.lost_to = hdr.first_offset - 1;
    if (!Report(d)) return false;
    expected_ = hdr.first_offset;
  }
  if (expected_ && hdr.first_offset < *expected_) {
    // The header claims offsets already read. When its records repeat them, the
    // overlap of those records says so; otherwise the header alone is wrong, and a
    // seek by segment name would start here and miss those offsets.
    ParsedRecord first;
    Status read = ParseRecordIn(file, kSegmentHeaderSize, &first);
    if (!read.ok()) return Failed(read);
    if (first.outcome != ParseOutcome::kRecord || first.view.offset >= *expected_) {
      Damage d;
      d.kind = DamageKind::kOverlap;
      d.file = seg.path;
      d.file_pos = kSegmentHeaderSize;
      d.reason = "segment header says it starts at offset " + std::to_string(hdr.first_offset) +
                 ", but offsets up to " + std::to_string(*expected_ - 1) + " were already read";
      d.last_good_offset = *expected_ - 1;
      if (!Report(d)) return false;
    }
  }
  if (!expected_) expected_ = hdr.first_offset;
  uint64_t pos = kSegmentHeaderSize;
  while (!done_) {
    ParsedRecord p;
    Status read = ParseRecordIn(file, pos, &p);
    if (!read.ok()) return Failed(read);
    if (p.outcome == ParseOutcome::kEndOfData) break;
    if (p.outcome == ParseOutcome::kRecord) {
      if (!Deliver(seg, p, pos)) return false;
      pos += p.length;
      continue;
    }
    if (!FlushOverlap(seg)) return false;
    uint64_t resume = 0;
    if (!DamageAt(seg, file, pos, p, is_last, next_segment_first, &resume)) return false;
    pos = resume;
  }
  return FlushOverlap(seg);
}

// Reads every file's header (and nothing more). Files are never written.
Result<std::vector<SegmentFile>> OpenSegments(const std::vector<std::string>& files) {
  std::vector<SegmentFile> segs;
  FileWindow file(kSegmentHeaderSize);  // reads the headers only
  for (const std::string& path : files) {
    KV_RETURN_IF_ERROR(file.Open(path));
    SegmentFile s{path, std::nullopt, Status::OK(), 0};
    auto h = ReadSegmentHeader(&file);
    if (!h.ok() && !h.status().IsCorruption()) return h.status();
    auto name_offset = ParseSegmentFileName(path.substr(path.find_last_of('/') + 1));
    if (h.ok()) {
      s.header = h.value();
      s.sort_offset = h->first_offset;
      if (name_offset && *name_offset != h->first_offset) {
        s.header.reset();
        s.header_status = Status::Corruption(
            "file name says first offset " + std::to_string(*name_offset) +
            " but the header says " + std::to_string(h->first_offset) + " (renamed file?)");
        s.sort_offset = *name_offset;
      }
    } else {
      s.header_status = h.status();
      s.sort_offset = name_offset.value_or(0);
    }
    segs.push_back(std::move(s));
  }
  std::stable_sort(segs.begin(), segs.end(), [](const SegmentFile& a, const SegmentFile& b) {
    return a.sort_offset != b.sort_offset ? a.sort_offset < b.sort_offset : a.path < b.path;
  });
  return segs;
}

}  // namespace

Result<ReadSummary> ReadSegments(const std::vector<std::string>& files, const ReadOptions& options,
                                 ReadHandler* handler) {
  KV_ASSIGN_OR_RETURN(std::vector<SegmentFile> segs, OpenSegments(files));

  // The log's identity: given, or the one most segments carry (ties: the earliest).
  uint32_t tid = options.tid, pid = options.pid;
  if (!options.expect_identity) {
    std::map<std::pair<uint32_t, uint32_t>, size_t> votes;
    size_t best = 0;
    for (const SegmentFile& s : segs) {
      if (!s.header) continue;
      size_t v = ++votes[{s.header->tid, s.header->pid}];
      if (v > best) {
        best = v;
        tid = s.header->tid;
        pid = s.header->pid;
      }
    }
  }
  auto is_ours = [&](const SegmentFile& s) {
    return s.header && s.header->tid == tid && s.header->pid == pid;
  };
  // The last segment of our log: only there can bad bytes be a torn tail.
  std::optional<size_t> last;
  for (size_t i = 0; i < segs.size(); ++i) {
    if (is_ours(segs[i])) last = i;
  }
  // Seek: start at the last of our segments whose first offset is <= from_offset.
  size_t start = 0;
  if (options.from_offset > 0) {
    for (size_t i = 0; i < segs.size(); ++i) {
      if (is_ours(segs[i]) && segs[i].header->first_offset <= options.from_offset) start = i;
    }
  }

  LogScan scan(options, handler);
  ReadSummary& sum = scan.summary();
  FileWindow file;  // one buffer for every segment in turn
  for (size_t i = start; i < segs.size() && !scan.done(); ++i) {
    const SegmentFile& s = segs[i];
    ++sum.segments;
    KV_RETURN_IF_ERROR(file.Open(s.path));
    sum.bytes += file.size();
    if (!s.header) {
      Damage d;
      d.file = s.path;
      d.length = file.size();
      d.reason = s.header_status.message();
      d.last_good_offset = scan.expected().value_or(1) - 1;
      const bool after_our_last = !last || i > *last;
      bool unfinished = false;
      if (after_our_last && i + 1 == segs.size()) {
        KV_ASSIGN_OR_RETURN(unfinished, IsUnfinishedSegmentFile(&file));
      }
      d.kind = unfinished ? DamageKind::kTornTail : DamageKind::kBadSegmentHeader;
      if (file.size() == 0) d.reason = "empty file (a segment the writer never finished creating?)";
      if (!scan.Report(d)) return sum;
      continue;
    }
    if (!is_ours(s)) {
      Damage d;
      d.kind = DamageKind::kForeignSegment;
      d.file = s.path;
      d.length = file.size();
      d.reason = "segment of table " + std::to_string(s.header->tid) + " partition " +
                 std::to_string(s.header->pid) + ", but this log is table " + std::to_string(tid) +
                 " partition " + std::to_string(pid);
      d.last_good_offset = scan.expected().value_or(1) - 1;
      if (!scan.Report(d)) return sum;
      continue;
    }
    uint64_t next_first = 0;
    for (size_t j = i + 1; j < segs.size(); ++j) {
      if (is_ours(segs[j])) {
        next_first = segs[j].header->first_offset;
        break;
      }
    }
    if (!scan.Segment(s, &file, last && i == *last, next_first)) {
      if (!scan.io_status().ok()) return scan.io_status();
      return sum;
    }
  }
  if (scan.saw_damage()) {
    sum.end = ReadEnd::kDamaged;
  } else if (scan.saw_torn_tail()) {
    sum.end = ReadEnd::kTornTail;
  }
  return sum;
}

Result<ReadSummary> ReadLog(const std::string& dir, const ReadOptions& options, ReadHandler* handler) {
  KV_ASSIGN_OR_RETURN(std::vector<std::string> files, ListSegmentFiles(dir));
  return ReadSegments(files, options, handler);
}

namespace {
class ModeHandler : public ReadHandler {
 public:
  ModeHandler(ReadMode mode, const std::function<bool(const RecordView&)>& fn)
      : mode_(mode), fn_(fn) {}
  bool OnRecord(const RecordView& r, const RecordLocation&) override { return fn_(r); }
  bool OnDamage(const Damage& d) override {
    if (ModeAllows(mode_, d)) return true;
    refused_ = d;
    return false;
  }
  const std::optional<Damage>& refused() const { return refused_; }

 private:
  ReadMode mode_;
  const std::function<bool(const RecordView&)>& fn_;
  std::optional<Damage> refused_;
};
}  // namespace

Result<ReadSummary> ReadLogInMode(const std::string& dir, ReadMode mode, const ReadOptions& options,
                                  const std::function<bool(const RecordView&)>& on_record) {
  ModeHandler handler(mode, on_record);
  KV_ASSIGN_OR_RETURN(ReadSummary sum, ReadLog(dir, options, &handler));
  if (handler.refused()) {
    return Status::Corruption(handler.refused()->Describe() + " (reading in " +
                              ReadModeName(mode) + " mode)");
  }
  return sum;
}

}  // namespace kv::wal
