// Which of several nameservers is the active one.
//
// ZooKeeper: every candidate holds an ephemeral sequential znode under
// <zk_root_path>/leader; the lowest sequence number is the leader, each other
// candidate watches the one just before it. When a leader dies its session
// expires (zk_session_timeout) and its znode goes; the next one takes over.
// A candidate that loses its connection stops calling itself leader at once,
// because it can no longer know whether its session survives.
//
// Embedded: one nameserver owns the data dir (its LOCK), so it always leads.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "cluster/meta/meta_store.h"
#include "common/status.h"

namespace kv::meta {

class LeaderElection {
 public:
  // Called with the new value of IsLeader() each time it changes, from an
  // internal thread; must not call Close().
  using Listener = std::function<void(bool is_leader)>;

  virtual ~LeaderElection() = default;

  // Joins the election as endpoint (what CurrentLeader() shows others). Once.
  virtual Status Start(const std::string& endpoint, Listener listener = {}) = 0;
  virtual bool IsLeader() const = 0;
  // True once this candidate leads, false if the deadline passed first.
  virtual bool WaitUntilLeader(std::chrono::steady_clock::time_point deadline) = 0;
  // The endpoint of the candidate that leads now; nullopt when there is none.
  virtual Result<std::optional<std::string>> CurrentLeader() = 0;
  // Leaves the election; with ZooKeeper the next candidate takes over at once.
  virtual Status Close() = 0;
};

// Same options as OpenMetaStore; the ZooKeeper election has its own session.
Result<std::unique_ptr<LeaderElection>> OpenLeaderElection(const MetaStoreOptions& options);

}  // namespace kv::meta
