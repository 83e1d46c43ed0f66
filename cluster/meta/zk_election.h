// The ZooKeeper leader election (the recipe in leader_election.h).
//
// Each candidate's znode is <root>/leader/n_<token>_<sequence>, its data the
// candidate's endpoint. The token, random per candidate, lets a candidate find
// its own znode when the answer to its create was lost, instead of creating a
// second one that would later lead behind its back.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cluster/meta/leader_election.h"
#include "cluster/meta/zk_client.h"

namespace kv::meta {

class ZkLeaderElection final : public LeaderElection {
 public:
  // The election owns the client: closing it ends the session.
  ZkLeaderElection(std::shared_ptr<ZkClient> client, const std::string& root_path);
  ~ZkLeaderElection() override;

  Status Start(const std::string& endpoint, Listener listener) override;
  bool IsLeader() const override;
  bool WaitUntilLeader(std::chrono::steady_clock::time_point deadline) override;
  Result<std::optional<std::string>> CurrentLeader() override;
  Status Close() override;

 private:
  void Run();
  // One round: find or make our znode in the current session, then lead or
  // watch the candidate just before us.
  Status Campaign();
  // Candidates' znode names, lowest sequence number first.
  Result<std::vector<std::string>> Candidates();
  Status Join();
  void StepDown();
  bool IsLeaderLocked() const;
  // Wakes waiters and tells the listener when IsLeader() changed.
  void Publish();

  std::shared_ptr<ZkClient> client_;
  const std::string folder_;
  const std::string token_;
  std::string endpoint_;
  Listener listener_;

  mutable std::mutex mu_;
  std::condition_variable changed_;
  bool lowest_ = false;            // our znode was the lowest one at the last round,
  uint64_t lowest_generation_ = 0;  // in this session
  bool reported_ = false;
  bool wake_ = false;
  bool started_ = false;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace kv::meta
