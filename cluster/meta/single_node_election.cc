#include "cluster/meta/single_node_election.h"

namespace kv::meta {

Status SingleNodeElection::Start(const std::string& endpoint, Listener listener) {
  if (endpoint.empty()) return Status::InvalidArgument("leader election: the endpoint is empty");
  {
    std::lock_guard lock(mu_);
    if (closed_) return Status::FailedPrecondition("leader election is closed");
    if (endpoint_) return Status::FailedPrecondition("leader election already started as " + *endpoint_);
    endpoint_ = endpoint;
  }
  if (listener) listener(true);
  return Status::OK();
}

bool SingleNodeElection::IsLeader() const {
  std::lock_guard lock(mu_);
  return endpoint_.has_value();
}

Result<std::optional<std::string>> SingleNodeElection::CurrentLeader() {
  std::lock_guard lock(mu_);
  return endpoint_;
}

Status SingleNodeElection::Close() {
  std::lock_guard lock(mu_);
  endpoint_.reset();
  closed_ = true;
  return Status::OK();
}

}  // namespace kv::meta
