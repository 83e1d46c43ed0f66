// Runs a function every interval on a thread of its own, until destroyed.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace kv::tablet {

class Periodic {
 public:
  Periodic(std::chrono::milliseconds interval, std::function<void()> fn);
  ~Periodic();  // waits for a run in progress
  Periodic(const Periodic&) = delete;
  Periodic& operator=(const Periodic&) = delete;

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace kv::tablet
