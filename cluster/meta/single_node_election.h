// The election of the embedded back end: the nameserver that owns the data
// dir's LOCK is the only one there can be, so it leads from Start() on.
#pragma once

#include <mutex>
#include <optional>
#include <string>

#include "cluster/meta/leader_election.h"

namespace kv::meta {

class SingleNodeElection final : public LeaderElection {
 public:
  // Calls the listener once, with true, from Start().
  Status Start(const std::string& endpoint, Listener listener) override;
  bool IsLeader() const override;
  bool WaitUntilLeader(std::chrono::steady_clock::time_point deadline) override { return IsLeader(); }
  Result<std::optional<std::string>> CurrentLeader() override;
  Status Close() override;

 private:
  mutable std::mutex mu_;
  std::optional<std::string> endpoint_;
  bool closed_ = false;
};

}  // namespace kv::meta
