#include "cluster/tablet/clock.h"

namespace kv::tablet {
namespace {

class SteadyClockImpl : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::steady_clock::now(); }
};

}  // namespace

const Clock& SteadyClock() {
  static const SteadyClockImpl clock;
  return clock;
}

}  // namespace kv::tablet
