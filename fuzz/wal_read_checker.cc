#include "fuzz/wal_read_checker.h"

#include <algorithm>
#include <map>
#include <sstream>
#include <utility>

#include "common/crc32c.h"
#include "common/file.h"
#include "wal/reader.h"
#include "wal/segment.h"
#include "wal/tail.h"

namespace kv::wal::fuzz {
namespace {

using Span = std::pair<uint64_t, uint64_t>;  // [begin, end) in a file

// Checks a record's bytes without the reader's parser: both checksums, the
// trailer, and the fields the reader reported.
std::string CheckIntact(std::string_view file, const RecordLocation& where, const RecordView& r) {
  if (where.file_pos + where.length > file.size() || where.length < kRecordOverhead) {
    return "record location lies outside its file";
  }
  const char* h = file.data() + where.file_pos;
  const uint32_t payload_len = DecodeFixed32(h + 4);
  if (kRecordOverhead + payload_len != where.length) return "record length disagrees with its header";
  const std::string_view payload(h + kRecordHeaderSize, payload_len);
  if (crc32c::Unmask(DecodeFixed32(h)) != crc32c::Value(h + 4, kRecordHeaderSize - 4)) {
    return "record delivered with a bad header checksum";
  }
  if (crc32c::Unmask(DecodeFixed32(h + 28)) != crc32c::Value(payload)) {
    return "record delivered with a bad payload checksum";
  }
  if (DecodeFixed32(h + kRecordHeaderSize + payload_len) != where.length) {
    return "record delivered with a bad trailer";
  }
  if (DecodeFixed64(h + 8) != r.offset || DecodeFixed64(h + 16) != r.term ||
      static_cast<uint8_t>(h[24]) != static_cast<uint8_t>(r.type) || payload != r.payload) {
    return "record delivered with fields other than its bytes say";
  }
  return "";
}

class CheckingHandler : public ReadHandler {
 public:
  explicit CheckingHandler(const std::map<std::string, std::string>& files) : files_(files) {}

  bool OnRecord(const RecordView& r, const RecordLocation& where) override {
    auto f = files_.find(*where.file);
    if (f == files_.end()) return Fail("record from a file that is not in the folder: " + *where.file);
    if (std::string why = CheckIntact(f->second, where, r); !why.empty()) return Fail(why);
    if (records > 0 && r.offset <= last_offset) {
      return Fail("offset " + std::to_string(r.offset) + " delivered after " + std::to_string(last_offset));
    }
    (void)ForEachOp(r, [](const Op&) {});  // damage-free records may still not decode; it must not crash
    ++records;
    last_offset = r.offset;
    last_term = r.term;
    spans[*where.file].emplace_back(where.file_pos, where.file_pos + where.length);
    return true;
  }

  bool OnDamage(const Damage& d) override {
    damages.push_back(d);
    skipped += d.length;
    if (!d.file.empty() && d.file_pos == 0) headerless.push_back(d.file);
    if (d.length == 0) return true;
    if (files_.count(d.file) == 0) return Fail("damage of " + std::to_string(d.length) + " bytes in no file");
    spans[d.file].emplace_back(d.file_pos, d.file_pos + d.length);
    return true;
  }

  bool Fail(std::string why) {
    if (broken.empty()) broken = std::move(why);
    return false;
  }

  std::string broken;
  uint64_t records = 0, last_offset = 0, last_term = 0, skipped = 0;
  std::vector<Damage> damages;
  std::map<std::string, std::vector<Span>> spans;
  std::vector<std::string> headerless;  // files reported whole (no header read)

 private:
  const std::map<std::string, std::string>& files_;
};

// Records and damage must cover each file from its first unread byte to its end,
// without gaps or overlaps.
std::string CheckTiling(const std::map<std::string, std::string>& files, CheckingHandler& h) {
  for (const auto& [path, bytes] : files) {
    const bool whole = std::count(h.headerless.begin(), h.headerless.end(), path) > 0;
    uint64_t at = whole ? 0 : kSegmentHeaderSize;
    std::vector<Span>& spans = h.spans[path];
    std::sort(spans.begin(), spans.end());
    for (const Span& s : spans) {
      if (s.first != at) {
        return path + ": bytes " + std::to_string(std::min(at, s.first)) + ".." +
               std::to_string(std::max(at, s.first)) + " are " + (s.first > at ? "not accounted for" : "counted twice");
      }
      at = s.second;
    }
    if (at != bytes.size()) {
      return path + ": accounted up to byte " + std::to_string(at) + " of " + std::to_string(bytes.size());
    }
  }
  return "";
}

bool OnlyTornTail(const std::vector<Damage>& damages) {
  return std::all_of(damages.begin(), damages.end(), [](const Damage& d) { return d.kind == DamageKind::kTornTail; });
}

std::string CheckModes(const std::string& dir, const CheckingHandler& h) {
  auto any = [](const RecordView&) { return true; };
  const bool strict_ok = ReadLogInMode(dir, ReadMode::kStrict, {}, any).ok();
  const bool tolerant_ok = ReadLogInMode(dir, ReadMode::kTolerateTornTail, {}, any).ok();
  if (strict_ok != h.damages.empty()) return "strict mode disagrees with the damage found";
  if (tolerant_ok != OnlyTornTail(h.damages)) return "tolerate-torn-tail mode disagrees with the damage found";
  return "";
}

std::string CheckTail(const std::string& dir, const CheckingHandler& h) {
  auto tail = FindTail(dir);
  if (!OnlyTornTail(h.damages) || h.records == 0) return "";  // FindTail may refuse or look only at the end
  if (!tail.ok()) return "FindTail refuses a log with no damage but a torn tail: " + tail.status().ToString();
  if (tail->empty || tail->last_offset != h.last_offset || tail->last_term != h.last_term) {
    return "FindTail ends at offset " + std::to_string(tail->last_offset) + " term " +
           std::to_string(tail->last_term) + ", the reader at offset " + std::to_string(h.last_offset) +
           " term " + std::to_string(h.last_term);
  }
  return "";
}

}  // namespace

std::string CheckReaderPromises(const std::string& dir) {
  auto paths = ListSegmentFiles(dir);
  if (!paths.ok()) return "cannot list " + dir + ": " + paths.status().ToString();
  std::map<std::string, std::string> files;
  uint64_t total = 0;
  for (const std::string& p : *paths) {
    auto bytes = ReadWholeFile(p);
    if (!bytes.ok()) return bytes.status().ToString();
    total += bytes->size();
    files[p] = std::move(bytes).value();
  }
  CheckingHandler h(files);
  auto sum = ReadLog(dir, {}, &h);
  if (!sum.ok()) return "ReadLog failed: " + sum.status().ToString();
  if (!h.broken.empty()) return h.broken;
  if (sum->records != h.records || sum->damages != h.damages.size() || sum->skipped_bytes != h.skipped ||
      sum->bytes != total) {
    std::ostringstream s;
    s << "summary disagrees with what was reported: records " << sum->records << "/" << h.records << ", damages "
      << sum->damages << "/" << h.damages.size() << ", skipped " << sum->skipped_bytes << "/" << h.skipped
      << ", bytes " << sum->bytes << "/" << total;
    return s.str();
  }
  for (auto check : {CheckTiling(files, h), CheckModes(dir, h), CheckTail(dir, h)}) {
    if (!check.empty()) return check;
  }
  return "";
}

}  // namespace kv::wal::fuzz
