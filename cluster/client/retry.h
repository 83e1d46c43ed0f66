// The time budget of one client call: an overall deadline that covers every
// retry, a per-RPC deadline inside it, and exponential backoff between tries.
#pragma once

#include <chrono>

namespace kv::client {

struct RetryPolicy {
  std::chrono::milliseconds overall{5000};      // the whole call, retries included
  // One gRPC call of a point read or write. A paused (SIGSTOPped) leader
  // holds a call until this deadline, so it bounds how soon a client moves to
  // the new leader: half the nameserver's default offline timeout (1 s), so a
  // retry or two after the failover finds the new leader and the write
  // unavailability after a paused leader stays under 2 s (with 2 s here it
  // was 2.0 s, docs/benchmarks.md "Failover"). A write that takes longer is
  // retried (puts and deletes are idempotent).
  std::chrono::milliseconds per_rpc{500};
  // One gRPC call that reads a partition's data (a scan page, a count).
  std::chrono::milliseconds per_rpc_scan{5000};
  std::chrono::milliseconds initial_backoff{5};
  std::chrono::milliseconds max_backoff{200};
};

enum class RpcWork { kPoint, kScan };  // which per-RPC deadline applies

class RetryBudget {
 public:
  using Clock = std::chrono::system_clock;  // gRPC deadlines are system_clock

  explicit RetryBudget(const RetryPolicy& policy);

  // The deadline for the next RPC: per_rpc (per_rpc_scan for kScan) from now,
  // never past the overall deadline.
  Clock::time_point RpcDeadline(RpcWork work = RpcWork::kPoint) const;
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
