#include "cluster/meta/zk_election.h"

#include <algorithm>
#include <cstdio>
#include <random>

#include "cluster/meta/meta_key.h"

namespace kv::meta {

namespace {

constexpr char kCandidatePrefix[] = "n_";
constexpr size_t kSequenceDigits = 10;  // ZooKeeper's sequential suffix
// A round that lost a race (a znode vanished between two calls) runs again at
// once; past this many rounds something is wrong and we wait for the next event.
constexpr int kMaxRounds = 10;
// After a failed round with no event to wait for, try again this much later.
constexpr auto kRetryPause = std::chrono::milliseconds(200);

std::string RandomToken() {
  std::random_device rd;
  uint64_t v = (static_cast<uint64_t>(rd()) << 32) | rd();
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string_view Sequence(const std::string& name) {
  return std::string_view(name).substr(name.size() - kSequenceDigits);
}

}  // namespace

ZkLeaderElection::ZkLeaderElection(std::shared_ptr<ZkClient> client, const std::string& root_path)
    : client_(std::move(client)), folder_(root_path + std::string(kElectionFolder)), token_(RandomToken()) {}

ZkLeaderElection::~ZkLeaderElection() { Close(); }

Status ZkLeaderElection::Start(const std::string& endpoint, Listener listener) {
  if (endpoint.empty()) return Status::InvalidArgument("leader election: the endpoint is empty");
  KV_RETURN_IF_ERROR(EnsureFolder(*client_, folder_));
  {
    std::lock_guard lock(mu_);
    if (stop_) return Status::FailedPrecondition("leader election is closed");
    if (started_) return Status::FailedPrecondition("leader election already started as " + endpoint_);
    started_ = true;
    endpoint_ = endpoint;
    listener_ = std::move(listener);
  }
  client_->SetEventListener([this] {
    std::lock_guard lock(mu_);
    wake_ = true;
    changed_.notify_all();
  });
  thread_ = std::thread(&ZkLeaderElection::Run, this);
  return Status::OK();
}

void ZkLeaderElection::Run() {
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (stop_) return;
      wake_ = false;
    }
    // Disconnected, we cannot tell whether our session (and znode) survives:
    // say so now, before Campaign() waits for the connection (and replaces an
    // expired session).
    if (!client_->connected()) {
      StepDown();
      Publish();
    }
    const bool healthy = Campaign().ok();
    if (!healthy) StepDown();
    Publish();
    std::unique_lock lock(mu_);
    auto woken = [this] { return wake_ || stop_; };
    if (healthy) {
      changed_.wait(lock, woken);
    } else {
      changed_.wait_for(lock, kRetryPause, woken);
    }
  }
}

Result<std::vector<std::string>> ZkLeaderElection::Candidates() {
  KV_ASSIGN_OR_RETURN(std::vector<std::string> names, ReadChildren(*client_, folder_));
  std::erase_if(names, [](const std::string& n) {
    return !n.starts_with(kCandidatePrefix) || n.size() < sizeof(kCandidatePrefix) + kSequenceDigits;
  });
  std::sort(names.begin(), names.end(),
            [](const std::string& a, const std::string& b) { return Sequence(a) < Sequence(b); });
  return names;
}

Status ZkLeaderElection::Join() {
  const std::string path = folder_ + "/" + kCandidatePrefix + token_ + "_";
  int rc = client_->Call([&](zhandle_t* zh) {
                    return zoo_create(zh, path.c_str(), endpoint_.data(), static_cast<int>(endpoint_.size()),
                                      &ZOO_OPEN_ACL_UNSAFE, ZOO_EPHEMERAL_SEQUENTIAL, nullptr, 0);
                  }).rc;
  if (rc == ZNONODE) return EnsureFolder(*client_, folder_);  // the next round creates the znode
  if (rc != ZOK) return client_->ToStatus(rc, "join the election in " + folder_);
  return Status::OK();
}

Status ZkLeaderElection::Campaign() {
  const uint64_t generation = client_->generation();
  for (int round = 0; round < kMaxRounds; ++round) {
    KV_ASSIGN_OR_RETURN(std::vector<std::string> names, Candidates());
    auto mine = std::find_if(names.begin(), names.end(),
                             [&](const std::string& n) { return n.find(token_) != std::string::npos; });
    if (mine == names.end()) {
      KV_RETURN_IF_ERROR(Join());
      continue;
    }
    // The leader watches its own znode (someone may delete it); the others
    // watch the one just before them, so one death wakes one candidate.
    const std::string& watched = mine == names.begin() ? *mine : *(mine - 1);
    const std::string path = folder_ + "/" + watched;
    int rc = client_->Call([&](zhandle_t* zh) {
                      Stat stat;
                      return zoo_exists(zh, path.c_str(), 1, &stat);
                    }).rc;
    if (rc == ZNONODE) continue;
    if (rc != ZOK) return client_->ToStatus(rc, "watch " + path);
    std::lock_guard lock(mu_);
    lowest_ = mine == names.begin();
    lowest_generation_ = generation;
    return Status::OK();
  }
  return Status::Aborted("leader election in " + folder_ + ": candidates kept changing");
}

void ZkLeaderElection::StepDown() {
  std::lock_guard lock(mu_);
  lowest_ = false;
}

bool ZkLeaderElection::IsLeaderLocked() const {
  return lowest_ && lowest_generation_ == client_->generation() && client_->connected();
}

bool ZkLeaderElection::IsLeader() const {
  std::lock_guard lock(mu_);
  return IsLeaderLocked();
}

void ZkLeaderElection::Publish() {
  bool now;
  {
    std::lock_guard lock(mu_);
    changed_.notify_all();
    now = IsLeaderLocked();
    if (now == reported_) return;
    reported_ = now;
  }
  if (listener_) listener_(now);
}

bool ZkLeaderElection::WaitUntilLeader(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mu_);
  return changed_.wait_until(lock, deadline, [this] { return stop_ || IsLeaderLocked(); }) && !stop_;
}

Result<std::optional<std::string>> ZkLeaderElection::CurrentLeader() {
  for (int round = 0; round < kMaxRounds; ++round) {
    KV_ASSIGN_OR_RETURN(std::vector<std::string> names, Candidates());
    if (names.empty()) return std::optional<std::string>();
    KV_ASSIGN_OR_RETURN(std::optional<ZkNode> node, ReadNode(*client_, folder_ + "/" + names.front()));
    if (node && node->data) return std::optional<std::string>(*node->data);
  }
  return Status::Aborted("leader election in " + folder_ + ": candidates kept changing");
}

Status ZkLeaderElection::Close() {
  {
    std::lock_guard lock(mu_);
    if (stop_) return Status::OK();
    stop_ = true;
    changed_.notify_all();
  }
  client_->SetEventListener({});
  client_->Close();  // ends the session: our znode goes now, not after a timeout
  if (thread_.joinable()) thread_.join();
  return Status::OK();
}

}  // namespace kv::meta
