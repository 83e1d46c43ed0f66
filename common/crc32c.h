// CRC32C (Castagnoli), the checksum of every WAL byte and of quarantined files.
//
// Uses the SSE4.2 crc32 instruction when the CPU has it and a table-driven
// software implementation otherwise; both give identical results (tested
// against the RFC 3720 vectors).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace kv::crc32c {

// Extends crc (the CRC32C of some data A) to the CRC32C of A followed by data.
uint32_t Extend(uint32_t crc, const char* data, size_t n);
inline uint32_t Value(const char* data, size_t n) { return Extend(0, data, n); }
inline uint32_t Value(std::string_view s) { return Extend(0, s.data(), s.size()); }

// The portable implementation, exposed so tests can compare it with the hardware one.
uint32_t ExtendSoftware(uint32_t crc, const char* data, size_t n);
bool HardwareAvailable();

// Stored CRCs are masked (as LevelDB does) so that a CRC computed over bytes
// that themselves contain CRCs does not degenerate.
constexpr uint32_t kMaskDelta = 0xa282ead8u;
inline uint32_t Mask(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + kMaskDelta; }
inline uint32_t Unmask(uint32_t masked) {
  uint32_t rot = masked - kMaskDelta;
  return ((rot >> 17) | (rot << 15));
}

}  // namespace kv::crc32c
