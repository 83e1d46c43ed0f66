#include "cluster/client/retry.h"

#include <algorithm>
#include <thread>

namespace kv::client {

RetryBudget::RetryBudget(const RetryPolicy& policy)
    : policy_(policy),
      start_(Clock::now()),
      deadline_(start_ + policy.overall),
      backoff_(policy.initial_backoff) {}

RetryBudget::Clock::time_point RetryBudget::RpcDeadline(RpcWork work) const {
  return std::min(Clock::now() + (work == RpcWork::kScan ? policy_.per_rpc_scan : policy_.per_rpc), deadline_);
}

bool RetryBudget::WaitBeforeRetry() {
  const auto now = Clock::now();
  if (now >= deadline_) return false;
  std::this_thread::sleep_until(std::min(now + backoff_, deadline_));
  backoff_ = std::min(backoff_ * 2, policy_.max_backoff);
  ++attempts_;
  return Clock::now() < deadline_;
}

std::chrono::milliseconds RetryBudget::elapsed() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start_);
}

}  // namespace kv::client
