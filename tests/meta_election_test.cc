// The active/standby election: who leads, and who takes over when it goes.
#include <catch2/catch.hpp>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <utility>
#include <mutex>
#include <vector>

#include "cluster/meta/leader_election.h"
#include "tests/test_util.h"
#include "tests/zk_server.h"

using namespace kv;
using namespace kv::meta;
using namespace std::chrono_literals;

namespace {

auto In(std::chrono::seconds s) { return std::chrono::steady_clock::now() + s; }

MetaStoreOptions ZkOptions(const std::string& address) {
  return {.zk_cluster = address, .zk_root_path = "/kv", .zk_session_timeout = 2s};
}

std::unique_ptr<LeaderElection> StartCandidate(const MetaStoreOptions& options, const std::string& endpoint,
                                               LeaderElection::Listener listener = {}) {
  auto election = OpenLeaderElection(options);
  INFO(election.status().ToString());
  REQUIRE(election.ok());
  REQUIRE((*election)->Start(endpoint, std::move(listener)).ok());
  return std::move(election).value();
}

std::optional<std::string> Leader(LeaderElection& election) {
  auto leader = election.CurrentLeader();
  INFO(leader.status().ToString());
  REQUIRE(leader.ok());
  return *leader;
}

// Records what a listener was told.
struct Changes {
  std::mutex mu;
  std::vector<bool> seen;
  LeaderElection::Listener listener() {
    return [this](bool leader) {
      std::lock_guard lock(mu);
      seen.push_back(leader);
    };
  }
  std::vector<bool> get() {
    std::lock_guard lock(mu);
    return seen;
  }
  // The listener runs on the election's thread, a moment after IsLeader() changes.
  std::vector<bool> WaitForLast(bool last) {
    test::Eventually([&] { return !get().empty() && get().back() == last; }, 20s);
    return get();
  }
};

// A candidate in a child process, killed and reaped however the test ends.
class ChildCandidate {
 public:
  // Forks before the test process opens any ZooKeeper handle, so the child
  // starts from a single-threaded copy.
  ChildCandidate(const MetaStoreOptions& options, const std::string& endpoint) {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      ::close(fds[0]);
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      auto election = OpenLeaderElection(options);
      if (!election.ok() || !(*election)->Start(endpoint).ok() || !(*election)->WaitUntilLeader(In(30s))) {
        ::_exit(1);
      }
      (void)!::write(fds[1], "L", 1);
      for (;;) ::pause();  // leads until killed
    }
    ::close(fds[1]);
    ready_fd_ = fds[0];
  }
  ~ChildCandidate() {
    Kill();
    ::close(ready_fd_);
  }
  bool WaitUntilLeader() {
    pollfd p{ready_fd_, POLLIN, 0};
    char c;
    return ::poll(&p, 1, 30000) == 1 && ::read(ready_fd_, &c, 1) == 1;
  }
  // SIGKILL: its session is not closed, ZooKeeper has to expire it.
  void Kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
  int ready_fd_ = -1;
};

}  // namespace

TEST_CASE("embedded election: the one nameserver always leads", "[meta][embedded][election]") {
  test::TempDir dir;
  Changes changes;
  auto election = StartCandidate({.data_dir = dir.path()}, "127.0.0.1:7000", changes.listener());
  CHECK(election->IsLeader());
  CHECK(election->WaitUntilLeader(In(0s)));
  CHECK(Leader(*election) == "127.0.0.1:7000");
  CHECK(changes.get() == std::vector<bool>{true});
  CHECK(election->Start("127.0.0.1:7001").IsFailedPrecondition());
}

TEST_CASE("zookeeper election: the first candidate leads, and the standby takes over when it leaves", "[meta][zk][election]") {
  auto server = test::StartZkServerOrFail();
  auto active = StartCandidate(ZkOptions(server->address()), "127.0.0.1:7000");
  REQUIRE(active->WaitUntilLeader(In(20s)));

  Changes changes;
  auto standby = StartCandidate(ZkOptions(server->address()), "127.0.0.1:7001", changes.listener());
  CHECK(!standby->IsLeader());
  CHECK(Leader(*standby) == "127.0.0.1:7000");
  CHECK(Leader(*active) == "127.0.0.1:7000");

  REQUIRE(active->Close().ok());
  CHECK(!active->IsLeader());
  REQUIRE(standby->WaitUntilLeader(In(20s)));
  CHECK(Leader(*standby) == "127.0.0.1:7001");
  CHECK(changes.WaitForLast(true) == std::vector<bool>{true});
}

TEST_CASE("zookeeper election: when the active nameserver's process dies, the standby takes over once its session expires",
          "[meta][zk][election]") {
  auto server = test::StartZkServerOrFail();
  ChildCandidate child(ZkOptions(server->address()), "127.0.0.1:7000");
  REQUIRE(child.WaitUntilLeader());

  auto standby = StartCandidate(ZkOptions(server->address()), "127.0.0.1:7001");
  CHECK(Leader(*standby) == "127.0.0.1:7000");
  CHECK(!standby->IsLeader());
  child.Kill();
  REQUIRE(standby->WaitUntilLeader(In(30s)));
  CHECK(Leader(*standby) == "127.0.0.1:7001");
}

TEST_CASE("zookeeper election: a leader cut off steps down at once, and rejoins as a standby after its session expired",
          "[meta][zk][election]") {
  auto server = test::StartZkServerOrFail();
  auto relay = test::ZkRelay::Start(*server);
  REQUIRE(relay.ok());
  Changes changes;
  auto first = StartCandidate(ZkOptions((*relay)->address()), "127.0.0.1:7000", changes.listener());
  REQUIRE(first->WaitUntilLeader(In(20s)));
  auto second = StartCandidate(ZkOptions(server->address()), "127.0.0.1:7001");

  // Never two leaders: from the cut until the second leads, every sample
  // reads the second before the first. Neither changes back in this window
  // (the first cannot rejoin through the cut relay, the second has no reason
  // to step down), so a second seen leading before a first still leading
  // means both led at the moment the first was read.
  size_t samples = 0, both = 0, first_alone = 0;
  const auto sample = [&] {
    const bool second_leads = second->IsLeader();
    const bool first_leads = first->IsLeader();
    ++samples;
    if (second_leads && first_leads) ++both;
    if (!second_leads && first_leads) ++first_alone;
    return std::pair{first_leads, second_leads};
  };
  CHECK(sample() == std::pair{true, false});  // before the cut
  (*relay)->Cut();
  CHECK(test::Eventually([&] { return !sample().first; }, 20s));
  // ZooKeeper expires the first's session and drops its znode: the second leads.
  CHECK(test::Eventually([&] { return sample().second; }, 30s));
  CHECK(sample() == std::pair{false, true});
  std::printf("election: %zu samples of both candidates, %zu with the second standing by while the first led\n",
              samples, first_alone);
  CHECK(both == 0);
  (*relay)->Heal();

  // The first rejoins on its own, behind the second: it leads again when the second leaves.
  REQUIRE(second->Close().ok());
  REQUIRE(first->WaitUntilLeader(In(30s)));
  std::vector<bool> seen = changes.WaitForLast(true);
  CHECK(seen.front());
  CHECK(std::find(seen.begin(), seen.end(), false) != seen.end());
}

TEST_CASE("zookeeper election: a leader stops leading while ZooKeeper is down, and leads again when it is back",
          "[meta][zk][election]") {
  auto server = test::StartZkServerOrFail();
  auto leader = StartCandidate(ZkOptions(server->address()), "127.0.0.1:7000");
  REQUIRE(leader->WaitUntilLeader(In(20s)));
  server->Stop();
  CHECK(test::Eventually([&] { return !leader->IsLeader(); }, 20s));
  REQUIRE(server->Restart().ok());
  CHECK(leader->WaitUntilLeader(In(30s)));
  CHECK(Leader(*leader) == "127.0.0.1:7000");
}
