// The local playground: a nameserver and N tablets as background processes on
// free loopback ports, each with a data dir under one folder, recorded in its
// state file (ops/playground/playground_state.h). Every demo and integration test runs
// on one.
//
// Processes are found again by PID and start time, never by name, so `down`
// stops exactly what `up` started. Waits poll the nameserver with a deadline;
// nothing sleeps a fixed time.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "cluster/proto/kv.pb.h"
#include "common/status.h"
#include "ops/playground/playground_state.h"
#include "ops/playground/process.h"

namespace kv::ops {

struct PlaygroundOptions {
  std::string dir = "playground";
  int tablets = 3;
  // 2 = an active and a standby nameserver ("nameserver", "nameserver-2");
  // only with ZooKeeper, where they elect the active one.
  int nameservers = 1;
  std::string bin_dir;  // empty: beside the running program or in its build tree
  std::string zk_cluster;  // empty: the nameserver's embedded metadata store
  std::string zk_root_path;
  std::chrono::milliseconds timeout{30000};  // for the servers to come up
  // Extra flags for every server, e.g. shorter failure timeouts in tests.
  std::vector<std::string> nameserver_flags;
  std::vector<std::string> tablet_flags;
};

struct ServerView {
  ServerRecord server;
  ProcessState state;
};

// FailedPrecondition, in one line, when a tablet holds replicas it does not
// serve (kv.proto TABLE_OPEN_FAILED): they do not come back by waiting.
Status CheckAllServed(const std::string& endpoint, const std::vector<v1::ReplicaStatus>& replicas);

class Playground {
 public:
  // Starts the servers and waits until the nameserver reports every tablet
  // kTabletHealthy and each serves every replica it holds (CheckAllServed). Refuses a dir that already holds a playground. When a
  // server does not come up, stops everything it started and says which
  // server failed and where its log is; the dir stays for a look.
  static Result<Playground> Up(const PlaygroundOptions& options);
  // The checks Up makes before starting anything (InvalidArgument).
  static Status CheckOptions(const PlaygroundOptions& options);
  static Result<Playground> Open(const std::string& dir);

  const PlaygroundState& state() const { return state_; }
  // "host:port[,host:port]", for --ns and the client.
  std::string NameserverList() const;
  std::vector<ServerView> Display() const;

  // Starts count more tablets and waits until they are healthy; their records.
  Result<std::vector<ServerRecord>> ScaleOut(int count, std::chrono::milliseconds timeout);
  // A server by name ("tablet-2", "nameserver") or endpoint.
  Result<ServerRecord> Find(const std::string& name) const;
  // SIGKILL (waits until gone), SIGSTOP (until stopped) or SIGCONT (until running).
  Status Signal(const std::string& name, int sig);
  // Kills the server if it runs, starts it again with the same endpoint, data
  // dir and flags, and waits until it serves every replica it holds.
  Result<ServerRecord> Restart(const std::string& name, std::chrono::milliseconds timeout);
  // Stops every server it started (tablets first): SIGTERM, up to grace, SIGKILL.
  // One outcome per server, in state().servers order.
  Result<std::vector<StopOutcome>> Down(std::chrono::milliseconds grace);
  // Removes dir; refuses while any server it started still runs.
  static Status Clean(const std::string& dir);

 private:
  explicit Playground(PlaygroundState state) : state_(std::move(state)) {}
  Result<size_t> IndexOf(const std::string& name) const;  // in state_.servers
  // Starts the server of record (whose process it fills in) and saves the state.
  Status Launch(ServerRecord* record);
  ServerRecord NewTablet(int index, int port) const;
  // Until every tablet in endpoints is healthy in the nameserver's eyes, and
  // each server in watch is still running (a dead one fails at once).
  Status WaitUntilServing(const std::vector<std::string>& endpoints, const std::vector<ServerRecord>& watch,
                          std::chrono::milliseconds timeout) const;

  PlaygroundState state_;
};

// A playground that goes down when the object dies (tests, kv-bench): even
// when a test assertion fails, no process is left behind.
class ScopedPlayground {
 public:
  static Result<std::unique_ptr<ScopedPlayground>> Start(const PlaygroundOptions& options);
  ~ScopedPlayground();
  ScopedPlayground(const ScopedPlayground&) = delete;
  ScopedPlayground& operator=(const ScopedPlayground&) = delete;

  Playground& get() { return playground_; }
  Playground* operator->() { return &playground_; }

 private:
  explicit ScopedPlayground(Playground p) : playground_(std::move(p)) {}
  Playground playground_;
};

}  // namespace kv::ops
