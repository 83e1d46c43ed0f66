// The time budget of one client call: an overall deadline that covers every
// retry, a per-RPC deadline inside it, and exponential backoff between tries.
#pragma once

#include <chrono>

namespace kv::client {

struct RetryPolicy {
  std::chrono::milliseconds overall{5000};      // the whole call, retries included
  std::chrono::milliseconds per_rpc{2000};      // one gRPC call
  std::chrono::milliseconds initial_backoff{5};
  std::chrono::milliseconds max_backoff{200};
};

class RetryBudget {
 public:
  using Clock = std::chrono::system_clock;  // gRPC deadlines are system_clock

  explicit RetryBudget(const RetryPolicy& policy);

  // The deadline for the next RPC: per_rpc from now, never past the overall deadline.
  Clock::time_point RpcDeadline() const;
  // The overall deadline (for calls that must not be cut short, such as creating a table).
  Clock::time_point overall_deadline() const { return deadline_; }
  bool Expired() const { return Clock::now() >= deadline_; }
  // Sleeps the next backoff step (doubling up to max_backoff, cut at the
  // deadline). False when the deadline has passed: give up.
  bool WaitBeforeRetry();
  int attempts() const { return attempts_; }
  std::chrono::milliseconds elapsed() const;

 private:
  const RetryPolicy policy_;
  const Clock::time_point start_;
  const Clock::time_point deadline_;
  std::chrono::milliseconds backoff_;
  int attempts_ = 1;
};

}  // namespace kv::client
