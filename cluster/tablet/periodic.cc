#include "cluster/tablet/periodic.h"

namespace kv::tablet {

Periodic::Periodic(std::chrono::milliseconds interval, std::function<void()> fn) {
  thread_ = std::thread([this, interval, fn = std::move(fn)] {
    std::unique_lock<std::mutex> l(mu_);
    while (!cv_.wait_for(l, interval, [&] { return stop_; })) {
      l.unlock();
      fn();
      l.lock();
    }
  });
}

Periodic::~Periodic() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

}  // namespace kv::tablet
