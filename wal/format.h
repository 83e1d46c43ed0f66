// Constants of the WAL's on-disk format. The format itself, with its reasons,
// is specified in wal/FORMAT.md; keep the two in step (tests/wal_format_test.cc
// checks these numbers against encoded bytes).
#pragma once

#include <cstddef>
#include <cstdint>

namespace kv::wal {

constexpr uint32_t kFormatVersion = 1;

// Segment header: magic(8) version(4) header_size(4) tid(4) pid(4)
//                 first_offset(8) reserved(4) header_crc(4)
constexpr char kSegmentMagic[8] = {'K', 'V', 'W', 'A', 'L', 'S', 'E', 'G'};
constexpr size_t kSegmentHeaderSize = 40;

// Record: header_crc(4) payload_len(4) offset(8) term(8) type(1) reserved(3)
//         payload_crc(4) | payload | record_len(4)
constexpr size_t kRecordHeaderSize = 32;
constexpr size_t kRecordTrailerSize = 4;
constexpr size_t kRecordOverhead = kRecordHeaderSize + kRecordTrailerSize;
// A larger payload_len is damage, not a record: it bounds what one bad length can make us read.
constexpr uint32_t kMaxPayloadSize = 64u << 20;
// Offsets run from 1 to kMaxOffset, so that "offset + 1" never wraps; a header
// holding another offset is damage.
constexpr uint64_t kMaxOffset = UINT64_MAX - 1;

enum class RecordType : uint8_t {
  kNoop = 0,    // term-start marker written by a new leader; payload is free text
  kPut = 1,     // varint32 key_len | key | value
  kDelete = 2,  // varint32 key_len | key
  kBatch = 3,   // varint32 count | count x (type(1) varint32 klen key varint32 vlen value)
};
constexpr uint8_t kMaxRecordType = 3;

// Segment files are named by their first offset: 20 decimal digits + ".log",
// so that names sort in offset order.
constexpr size_t kSegmentNameDigits = 20;
// Present in a WAL folder while `repair wal salvage` is moving files in and out
// of it (FORMAT.md, "Salvage in progress"): the folder then holds part of a log,
// and the writer refuses to open it.
constexpr const char* kSalvageMarkerName = "SALVAGE-IN-PROGRESS";
constexpr const char* kSegmentSuffix = ".log";

}  // namespace kv::wal
