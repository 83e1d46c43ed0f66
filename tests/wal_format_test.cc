#include <catch2/catch.hpp>

#include "common/crc32c.h"
#include "wal/format.h"
#include "wal/segment.h"

using namespace kv;
using namespace kv::wal;

TEST_CASE("segment names sort in offset order and parse back", "[wal][format]") {
  CHECK(SegmentFileName(1) == "00000000000000000001.log");
  CHECK(SegmentFileName(12345) < SegmentFileName(123456));
  CHECK(ParseSegmentFileName("00000000000000012345.log") == 12345u);
  CHECK_FALSE(ParseSegmentFileName("12345.log").has_value());
  CHECK_FALSE(ParseSegmentFileName("0000000000000001234x.log").has_value());
  CHECK_FALSE(ParseSegmentFileName("99999999999999999999.log").has_value());  // overflows uint64
}

TEST_CASE("the segment header has the documented layout", "[wal][format]") {
  SegmentHeader h{kFormatVersion, 7, 3, 42};
  std::string b = EncodeSegmentHeader(h);
  REQUIRE(b.size() == kSegmentHeaderSize);
  CHECK(b.substr(0, 8) == "KVWALSEG");
  CHECK(DecodeFixed32(b.data() + 8) == kFormatVersion);
  CHECK(DecodeFixed32(b.data() + 16) == 7);
  CHECK(DecodeFixed32(b.data() + 20) == 3);
  CHECK(DecodeFixed64(b.data() + 24) == 42);
  CHECK(crc32c::Unmask(DecodeFixed32(b.data() + 36)) == crc32c::Value(b.data(), 36));
  auto back = DecodeSegmentHeader(b);
  REQUIRE(back.ok());
  CHECK(back->first_offset == 42);
  b[20] ^= 1;
  CHECK(DecodeSegmentHeader(b).status().IsCorruption());
}

TEST_CASE("a record has the documented layout and every byte is checksummed", "[wal][format]") {
  Record r = Record::Put(9, "key", "value");
  r.offset = 77;
  std::string b;
  EncodeRecord(r, &b);
  REQUIRE(b.size() == kRecordOverhead + r.payload.size());
  CHECK(DecodeFixed32(b.data() + 4) == r.payload.size());
  CHECK(DecodeFixed64(b.data() + 8) == 77);
  CHECK(DecodeFixed64(b.data() + 16) == 9);
  CHECK(static_cast<uint8_t>(b[24]) == static_cast<uint8_t>(RecordType::kPut));
  CHECK(DecodeFixed32(b.data() + b.size() - 4) == b.size());
  auto p = ParseRecordAt(b, 0);
  REQUIRE(p.outcome == ParseOutcome::kRecord);
  CHECK(p.view.offset == 77);
  // Flipping any single byte makes the record fail to parse.
  for (size_t i = 0; i < b.size(); ++i) {
    std::string bad = b;
    bad[i] ^= 0x10;
    CHECK(ParseRecordAt(bad, 0).outcome != ParseOutcome::kRecord);
  }
}
