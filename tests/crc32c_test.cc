#include <catch2/catch.hpp>
#include <string>

#include "common/crc32c.h"

using namespace kv;

TEST_CASE("crc32c matches the RFC 3720 test vectors", "[crc32c]") {
  std::string zeros(32, '\0');
  std::string ones(32, '\xff');
  std::string ascending(32, '\0'), descending(32, '\0');
  for (int i = 0; i < 32; ++i) {
    ascending[i] = static_cast<char>(i);
    descending[i] = static_cast<char>(31 - i);
  }
  CHECK(crc32c::Value(zeros) == 0x8a9136aau);
  CHECK(crc32c::Value(ones) == 0x62a8ab43u);
  CHECK(crc32c::Value(ascending) == 0x46dd794eu);
  CHECK(crc32c::Value(descending) == 0x113fdb5cu);
  CHECK(crc32c::Value("123456789") == 0xe3069283u);
}

TEST_CASE("crc32c software and hardware paths agree at every length and alignment", "[crc32c]") {
  std::string data(1024 + 16, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>((i * 131 + 7) & 0xff);
  for (size_t align = 0; align < 8; ++align) {
    for (size_t len : {0u, 1u, 7u, 8u, 9u, 63u, 64u, 1000u}) {
      CHECK(crc32c::Extend(0, data.data() + align, len) ==
            crc32c::ExtendSoftware(0, data.data() + align, len));
    }
  }
  // Extending piecewise equals one pass.
  CHECK(crc32c::Extend(crc32c::Value(data.data(), 100), data.data() + 100, 900) ==
        crc32c::Value(data.data(), 1000));
}

TEST_CASE("crc32c mask round-trips and changes the value", "[crc32c]") {
  const uint32_t crc = crc32c::Value("foo");
  CHECK(crc32c::Mask(crc) != crc);
  CHECK(crc32c::Unmask(crc32c::Mask(crc)) == crc);
}
