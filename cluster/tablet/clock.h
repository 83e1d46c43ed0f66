// The clock leases are counted on. Leases must be measured on a monotonic
// clock (a wall clock can jump); tests drive a fake one to expire a lease
// without waiting for it.
#pragma once

#include <chrono>

namespace kv::tablet {

class Clock {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

// std::chrono::steady_clock.
const Clock& SteadyClock();

}  // namespace kv::tablet
