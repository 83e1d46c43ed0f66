#include "cluster/client/errors.h"

#include <chrono>
#include <cstdio>

namespace kv::client {

bool IsRetryableTabletError(v1::ErrorCode code) {
  switch (code) {
    case v1::NOT_LEADER:
    case v1::STALE_TERM:
    case v1::LEASE_EXPIRED:
    case v1::UNAVAILABLE:
    case v1::NOT_ENOUGH_REPLICAS:
    case v1::NOT_FOUND: return true;
    default: return false;
  }
}

bool IsTransient(const grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::DEADLINE_EXCEEDED ||
         code == grpc::StatusCode::CANCELLED || code == grpc::StatusCode::RESOURCE_EXHAUSTED;
}

Status FromError(const v1::Error& error, const std::string& context) {
  const std::string message = context + ": " + error.message();
  switch (error.code()) {
    case v1::OK: return Status::OK();
    case v1::NOT_FOUND: return Status::NotFound(message);
    case v1::INVALID_ARGUMENT: return Status::InvalidArgument(message);
    case v1::UNAVAILABLE: return Status::IOError(message);
    case v1::INTERNAL: return Status::Aborted(message);
    default: return Status::FailedPrecondition(message);
  }
}

Status FromGrpc(const grpc::Status& status, const std::string& context) {
  if (status.ok()) return Status::OK();
  const std::string reason =
      status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED ? "no answer in time" : status.error_message();
  return Status::IOError(context + ": " + reason);
}

Status GaveUp(const std::string& what, int attempts, std::chrono::milliseconds elapsed, const Status& last) {
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.1f", elapsed.count() / 1000.0);
  const std::string text = what + ": gave up after " + std::to_string(attempts) + " attempt" +
                           (attempts == 1 ? "" : "s") + " in " + seconds + " s; last error: " + last.message();
  // Keep the kind of the last error (a lost connection stays an IOError).
  if (last.IsIOError()) return Status::IOError(text);
  return Status::FailedPrecondition(text);
}

}  // namespace kv::client
