#include "wal/segment.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/crc32c.h"

namespace kv::wal {

std::string SegmentFileName(uint64_t first_offset) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%020llu%s", static_cast<unsigned long long>(first_offset),
                kSegmentSuffix);
  return buf;
}

std::optional<uint64_t> ParseSegmentFileName(std::string_view name) {
  const std::string_view suffix = kSegmentSuffix;
  if (name.size() != kSegmentNameDigits + suffix.size()) return std::nullopt;
  if (name.substr(kSegmentNameDigits) != suffix) return std::nullopt;
  uint64_t v = 0;
  for (size_t i = 0; i < kSegmentNameDigits; ++i) {
    char c = name[i];
    if (c < '0' || c > '9') return std::nullopt;
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - digit) / 10) return std::nullopt;
    v = v * 10 + digit;
  }
  return v;
}

std::string EncodeSegmentHeader(const SegmentHeader& h) {
  std::string out(kSegmentMagic, sizeof kSegmentMagic);
  PutFixed32(&out, h.version);
  PutFixed32(&out, static_cast<uint32_t>(kSegmentHeaderSize));
  PutFixed32(&out, h.tid);
  PutFixed32(&out, h.pid);
  PutFixed64(&out, h.first_offset);
  PutFixed32(&out, 0);
  PutFixed32(&out, crc32c::Mask(crc32c::Value(out)));
  return out;
}

Result<SegmentHeader> DecodeSegmentHeader(std::string_view b) {
  if (b.size() < kSegmentHeaderSize) {
    return Status::Corruption("segment header truncated (" + std::to_string(b.size()) + " of " +
                              std::to_string(kSegmentHeaderSize) + " bytes)");
  }
  if (std::memcmp(b.data(), kSegmentMagic, sizeof kSegmentMagic) != 0) {
    return Status::Corruption("not a WAL segment (bad magic)");
  }
  const uint32_t stored = crc32c::Unmask(DecodeFixed32(b.data() + 36));
  const uint32_t computed = crc32c::Value(b.data(), 36);
  if (stored != computed) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "segment header checksum mismatch (stored %08x, computed %08x)",
                  stored, computed);
    return Status::Corruption(buf);
  }
  SegmentHeader h;
  h.version = DecodeFixed32(b.data() + 8);
  if (h.version != kFormatVersion) {
    return Status::Corruption("segment format version " + std::to_string(h.version) +
                              " is not supported (this build reads version " +
                              std::to_string(kFormatVersion) + ")");
  }
  if (DecodeFixed32(b.data() + 12) != kSegmentHeaderSize) {
    return Status::Corruption("segment header size field is wrong");
  }
  h.tid = DecodeFixed32(b.data() + 16);
  h.pid = DecodeFixed32(b.data() + 20);
  h.first_offset = DecodeFixed64(b.data() + 24);
  if (h.first_offset == 0 || h.first_offset > kMaxOffset) {
    return Status::Corruption("segment header names first offset " + std::to_string(h.first_offset) +
                              ", outside 1.." + std::to_string(kMaxOffset));
  }
  return h;
}

bool AllZero(std::string_view bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](char c) { return c == 0; });
}

void EncodeRecord(const Record& r, std::string* dst) {
  const size_t start = dst->size();
  PutFixed32(dst, 0);  // header crc, filled below
  PutFixed32(dst, static_cast<uint32_t>(r.payload.size()));
  PutFixed64(dst, r.offset);
  PutFixed64(dst, r.term);
  dst->push_back(static_cast<char>(r.type));
  dst->append(3, '\0');
  PutFixed32(dst, crc32c::Mask(crc32c::Value(r.payload)));
  const uint32_t header_crc = crc32c::Mask(crc32c::Value(dst->data() + start + 4, kRecordHeaderSize - 4));
  std::memcpy(dst->data() + start, &header_crc, 4);
  dst->append(r.payload);
  PutFixed32(dst, static_cast<uint32_t>(kRecordOverhead + r.payload.size()));
}

const char* ParseOutcomeReason(ParseOutcome o) {
  switch (o) {
    case ParseOutcome::kRecord: return "record";
    case ParseOutcome::kEndOfData: return "end of data";
    case ParseOutcome::kTruncated: return "record truncated by end of file";
    case ParseOutcome::kBadHeaderCrc: return "record header checksum mismatch";
    case ParseOutcome::kBadHeader: return "record header fields impossible";
    case ParseOutcome::kBadPayloadCrc: return "record payload checksum mismatch";
    case ParseOutcome::kBadTrailer: return "record trailer length mismatch";
  }
  return "unknown";
}

static bool HeaderFieldsPossible(const char* h) {
  const auto type = static_cast<uint8_t>(h[24]);
  const uint64_t offset = DecodeFixed64(h + 8);
  return type <= kMaxRecordType && h[25] == 0 && h[26] == 0 && h[27] == 0 &&
         DecodeFixed32(h + 4) <= kMaxPayloadSize && offset >= 1 && offset <= kMaxOffset;
}

bool HeaderLooksValid(std::string_view data, size_t pos) {
  if (data.size() - pos < kRecordHeaderSize) return false;
  const char* h = data.data() + pos;
  if (!HeaderFieldsPossible(h)) return false;
  return crc32c::Unmask(DecodeFixed32(h)) == crc32c::Value(h + 4, kRecordHeaderSize - 4);
}

ParsedRecord ParseRecordAt(std::string_view data, size_t pos) {
  ParsedRecord p;
  const size_t avail = data.size() - pos;
  if (avail == 0) return p;  // kEndOfData
  p.length = avail;
  if (avail < kRecordHeaderSize) {
    p.outcome = ParseOutcome::kTruncated;
    return p;
  }
  const char* h = data.data() + pos;
  p.expected_crc = crc32c::Unmask(DecodeFixed32(h));
  p.computed_crc = crc32c::Value(h + 4, kRecordHeaderSize - 4);
  if (p.expected_crc != p.computed_crc) {
    p.outcome = ParseOutcome::kBadHeaderCrc;
    return p;
  }
  if (!HeaderFieldsPossible(h)) {
    p.outcome = ParseOutcome::kBadHeader;
    p.length = kRecordHeaderSize;
    return p;
  }
  p.header_offset = DecodeFixed64(h + 8);
  p.header_term = DecodeFixed64(h + 16);
  const uint32_t payload_len = DecodeFixed32(h + 4);
  const size_t total = kRecordOverhead + payload_len;
  if (avail < total) {
    p.outcome = ParseOutcome::kTruncated;
    return p;
  }
  p.length = total;
  std::string_view payload(h + kRecordHeaderSize, payload_len);
  p.expected_crc = crc32c::Unmask(DecodeFixed32(h + 28));
  p.computed_crc = crc32c::Value(payload);
  if (p.expected_crc != p.computed_crc) {
    p.outcome = ParseOutcome::kBadPayloadCrc;
    return p;
  }
  if (DecodeFixed32(h + kRecordHeaderSize + payload_len) != total) {
    p.outcome = ParseOutcome::kBadTrailer;
    return p;
  }
  p.outcome = ParseOutcome::kRecord;
  p.view = RecordView{p.header_offset, p.header_term, static_cast<RecordType>(h[24]), payload};
  return p;
}

Result<SegmentHeader> ReadSegmentHeader(FileWindow* file) {
  KV_RETURN_IF_ERROR(file->Ensure(0, kSegmentHeaderSize));
  return DecodeSegmentHeader(file->From(0));
}

Status ParseRecordIn(FileWindow* file, uint64_t pos, ParsedRecord* out) {
  KV_RETURN_IF_ERROR(file->Ensure(pos, kRecordHeaderSize));
  std::string_view bytes = file->From(pos);
  if (bytes.size() >= kRecordHeaderSize) {
    // An impossible length is damage that ParseRecordAt reports; it must not make us read 4 GiB.
    const uint32_t payload_len = DecodeFixed32(bytes.data() + 4);
    if (payload_len <= kMaxPayloadSize && bytes.size() < kRecordOverhead + payload_len) {
      KV_RETURN_IF_ERROR(file->Ensure(pos, kRecordOverhead + payload_len));
      bytes = file->From(pos);
    }
  }
  *out = ParseRecordAt(bytes, 0);
  return Status::OK();
}

}  // namespace kv::wal
