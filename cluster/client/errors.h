// How the client reads a server's answer: the final result of a call, or a
// reason to refresh the routing table and try again.
//
// Worth another try (after a refresh): NOT_LEADER, STALE_TERM, LEASE_EXPIRED,
// UNAVAILABLE and NOT_ENOUGH_REPLICAS from a tablet, a tablet's NOT_FOUND for
// the partition (the route names a replica that moved or a table that was
// recreated), and a call that got no answer (connection refused, deadline).
// Everything else is final. Data writes are idempotent (put and delete of one
// value), which is what makes retrying them after an unanswered call safe.
#pragma once

#include <grpcpp/support/status.h>

#include <optional>
#include <string>
#include <utility>

#include "cluster/proto/kv.pb.h"
#include "common/status.h"

namespace kv::client {

// A Result<T> or a retryable failure.
template <typename T>
class Outcome {
 public:
  static Outcome Done(Result<T> result) { return Outcome(std::move(result), Status::OK()); }
  static Outcome Retry(Status why) { return Outcome(std::nullopt, std::move(why)); }

  bool done() const { return result_.has_value(); }
  Result<T>& result() { return *result_; }
  const Status& why() const { return why_; }

 private:
  Outcome(std::optional<Result<T>> result, Status why) : result_(std::move(result)), why_(std::move(why)) {}
  std::optional<Result<T>> result_;
  Status why_;
};

bool IsRetryableTabletError(v1::ErrorCode code);
// A gRPC failure that may be over by the next try (the peer is down, restarting or slow).
bool IsTransient(const grpc::StatusCode code);

// An answer's error as a Status whose message starts with context: NOT_FOUND is
// NotFound, INVALID_ARGUMENT InvalidArgument, UNAVAILABLE IOError, INTERNAL
// Aborted, the rest FailedPrecondition.
Status FromError(const v1::Error& error, const std::string& context);
// A call without an answer: IOError naming the peer and gRPC's reason.
Status FromGrpc(const grpc::Status& status, const std::string& context);

// The error for a call that ran out of time: what it tried, for how long, and the last reason.
Status GaveUp(const std::string& what, int attempts, std::chrono::milliseconds elapsed, const Status& last);

}  // namespace kv::client
