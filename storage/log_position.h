// A position in a partition's log: (term, offset).
#pragma once

#include <compare>
#include <cstdint>
#include <string>

namespace kv::storage {

// Ordered term first, then offset: the comparison invariant 6 needs to pick a
// new leader (the newer last term wins, on a tie the longer log). Offsets alone
// are not comparable once logs have diverged.
struct LogPosition {
  uint64_t term = 0;
  uint64_t offset = 0;

  auto operator<=>(const LogPosition&) const = default;
  std::string ToString() const;  // "(term 3, offset 120)"
};

}  // namespace kv::storage
