#include "ops/playground/playground.h"

#include <signal.h>

#include <filesystem>
#include <set>
#include <thread>

#include "cluster/client/kv_client.h"
#include "cluster/proto/enum_names.h"
#include "common/file.h"
#include "ops/playground/free_port.h"
#include "ops/playground/server_binaries.h"

namespace kv::ops {
namespace fs = std::filesystem;
namespace {
using Clock = std::chrono::steady_clock;

constexpr int kMaxTablets = 64;
constexpr auto kPollInterval = std::chrono::milliseconds(50);

std::string Loopback(int port) { return "127.0.0.1:" + std::to_string(port); }

// The last non-empty line a server wrote to stderr: usually why it stopped.
std::string LastLogLine(const ServerRecord& server) {
  auto text = ReadWholeFile(server.stderr_path());
  if (!text.ok()) return "(no log)";
  std::string s = std::move(text).value();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  if (s.empty()) return "(empty log)";
  const size_t nl = s.rfind('\n');
  return nl == std::string::npos ? s : s.substr(nl + 1);
}

std::vector<std::string> JoinArgs(std::vector<std::string> args, const std::vector<std::string>& extra) {
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

Result<std::unique_ptr<client::Client>> PollingClient(const std::vector<std::string>& nameservers) {
  client::ClientOptions options;
  options.nameservers = nameservers;
  options.retry.overall = std::chrono::milliseconds(1000);
  options.retry.per_rpc = std::chrono::milliseconds(500);
  return client::Client::Connect(std::move(options));
}

Status CheckNewDir(const std::string& dir) {
  if (PathExists(PlaygroundStatePath(dir))) {
    return Status::FailedPrecondition(dir + " already holds a playground (see `ops playground display --dir " + dir +
                                      "`; `down` and `clean` it first)");
  }
  if (PathExists(dir)) {
    if (!IsDirectory(dir)) return Status::InvalidArgument(dir + " is not a folder");
    KV_ASSIGN_OR_RETURN(std::vector<std::string> entries, ListDir(dir));
    // `clean` removes the whole folder later: never take one that holds other things.
    if (!entries.empty()) return Status::InvalidArgument(dir + " is not empty: pick a new folder for the playground");
  }
  return CreateDirs(dir);
}

}  // namespace

Status Playground::CheckOptions(const PlaygroundOptions& options) {
  if (options.tablets < 1 || options.tablets > kMaxTablets) {
    return Status::InvalidArgument("--tablets must be from 1 to " + std::to_string(kMaxTablets) + ", not " +
                                   std::to_string(options.tablets));
  }
  if (options.zk_cluster.empty() != options.zk_root_path.empty()) {
    return Status::InvalidArgument("--zk-cluster and --zk-root-path go together");
  }
  if (options.nameservers < 1 || options.nameservers > 2) {
    return Status::InvalidArgument("--nameservers must be 1 or 2 (an active and a standby), not " +
                                   std::to_string(options.nameservers));
  }
  if (options.nameservers > 1 && options.zk_cluster.empty()) {
    return Status::InvalidArgument("--nameservers 2 needs --zk-cluster: a standby nameserver takes over through "
                                   "ZooKeeper; the embedded metadata store has one nameserver");
  }
  if (options.dir.empty()) return Status::InvalidArgument("--dir must not be empty");
  return Status::OK();
}

Result<Playground> Playground::Up(const PlaygroundOptions& options) {
  KV_RETURN_IF_ERROR(CheckOptions(options));
  KV_ASSIGN_OR_RETURN(ServerBinaries binaries, FindServerBinaries(options.bin_dir));
  const std::string dir = fs::absolute(options.dir).lexically_normal().string();
  KV_RETURN_IF_ERROR(CheckNewDir(dir));

  PlaygroundState state;
  state.dir = dir;
  state.created = UtcTimestamp();
  state.zk_cluster = options.zk_cluster;
  state.zk_root_path = options.zk_root_path;
  state.nameserver_binary = binaries.nameserver;
  state.tablet_binary = binaries.tablet;
  state.tablet_flags = options.tablet_flags;
  std::set<int> taken;
  for (int i = 1; i <= options.nameservers; ++i) {
    KV_ASSIGN_OR_RETURN(int ns_port, PickFreePort(&taken));
    const std::string name = i == 1 ? "nameserver" : "nameserver-" + std::to_string(i);
    ServerRecord ns{name, kRoleNameserver, Loopback(ns_port), dir + "/" + name, {}, {}};
    ns.args = {"--endpoint", ns.endpoint, "--data-dir", ns.data_dir};
    if (!options.zk_cluster.empty()) {
      ns.args.insert(ns.args.end(), {"--zk-cluster", options.zk_cluster, "--zk-root-path", options.zk_root_path});
    }
    ns.args = JoinArgs(std::move(ns.args), options.nameserver_flags);
    state.servers.push_back(std::move(ns));
  }

  Playground playground(std::move(state));
  for (int i = 1; i <= options.tablets; ++i) {
    KV_ASSIGN_OR_RETURN(int port, PickFreePort(&taken));
    playground.state_.servers.push_back(playground.NewTablet(i, port));
  }
  Status started = [&]() -> Status {
    for (ServerRecord& server : playground.state_.servers) KV_RETURN_IF_ERROR(playground.Launch(&server));
    return playground.WaitUntilServing(playground.state_.EndpointsOf(kRoleTablet), playground.state_.servers,
                                       options.timeout);
  }();
  if (!started.ok()) {
    (void)playground.Down(std::chrono::seconds(5));
    return Status::IOError(started.message() + " (everything started was stopped; the logs stay in " + dir + ")");
  }
  return playground;
}

Result<Playground> Playground::Open(const std::string& dir) {
  KV_ASSIGN_OR_RETURN(PlaygroundState state, LoadState(fs::absolute(dir).lexically_normal().string()));
  return Playground(std::move(state));
}

ServerRecord Playground::NewTablet(int index, int port) const {
  ServerRecord t{"tablet-" + std::to_string(index), kRoleTablet, Loopback(port),
                 state_.dir + "/tablet-" + std::to_string(index), {}, {}};
  t.args = JoinArgs({"--endpoint", t.endpoint, "--data-dir", t.data_dir, "--ns", NameserverList()},
                    state_.tablet_flags);
  return t;
}

std::string Playground::NameserverList() const {
  std::string out;
  for (const std::string& e : state_.EndpointsOf(kRoleNameserver)) out += (out.empty() ? "" : ",") + e;
  return out;
}

Status Playground::Launch(ServerRecord* server) {
  KV_RETURN_IF_ERROR(CreateDirs(server->data_dir));
  KV_ASSIGN_OR_RETURN(server->process, Spawn({state_.BinaryOf(*server), server->args, server->stdout_path(),
                                              server->stderr_path()}));
  return SaveState(state_);
}

Status CheckAllServed(const std::string& endpoint, const std::vector<v1::ReplicaStatus>& replicas) {
  size_t failed = 0;
  const v1::ReplicaStatus* first = nullptr;
  for (const v1::ReplicaStatus& r : replicas) {
    if (r.state() != v1::TABLE_OPEN_FAILED) continue;
    if (failed++ == 0) first = &r;
  }
  if (failed == 0) return Status::OK();
  return Status::FailedPrecondition(
      "tablet " + endpoint + " serves " + std::to_string(replicas.size() - failed) + " of its " +
      std::to_string(replicas.size()) + " replicas: " + std::to_string(failed) + " failed to open, the first (" +
      std::to_string(first->partition().tid()) + "_" + std::to_string(first->partition().pid()) +
      ") with: " + first->state_reason() + " (see `ops gettablestatus " + endpoint + "`)");
}

Status Playground::WaitUntilServing(const std::vector<std::string>& endpoints, const std::vector<ServerRecord>& watch,
                                    std::chrono::milliseconds timeout) const {
  KV_ASSIGN_OR_RETURN(auto client, PollingClient(state_.EndpointsOf(kRoleNameserver)));
  const auto deadline = Clock::now() + timeout;
  Status last = Status::IOError("no answer from the nameserver yet");
  while (true) {
    for (const ServerRecord& s : watch) {
      if (Probe(s.process) == ProcessState::kDead) {
        return Status::IOError(s.name + " (" + s.endpoint + ") exited while starting: " + LastLogLine(s) +
                               " (log: " + s.stderr_path() + ")");
      }
    }
    auto tablets = client->ShowTablet();
    if (!tablets.ok()) {
      last = tablets.status();
    } else {
      std::set<std::string> healthy;
      const std::string healthy_state = names::TabletStateName(names::TabletState::kHealthy);
      for (const auto& t : *tablets) {
        if (t.state() == healthy_state) healthy.insert(t.endpoint());
      }
      std::string waiting;
      for (const std::string& e : endpoints) {
        // Healthy in the nameserver's eyes and answering itself: a restarted
        // tablet may still look healthy from its predecessor's heartbeats.
        auto replicas = healthy.count(e) ? client->TabletStatus(e, false)
                                         : Result<std::vector<v1::ReplicaStatus>>(Status::NotFound(e));
        if (!replicas.ok()) {
          waiting += (waiting.empty() ? "" : ", ") + e;
        } else {
          KV_RETURN_IF_ERROR(CheckAllServed(e, *replicas));
        }
      }
      if (waiting.empty()) return Status::OK();
      last = Status::IOError("tablets not serving yet: " + waiting);
    }
    if (Clock::now() >= deadline) {
      return Status::IOError("servers did not come up within " + std::to_string(timeout.count()) +
                             " ms: " + last.message());
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

std::vector<ServerView> Playground::Display() const {
  std::vector<ServerView> out;
  for (const ServerRecord& s : state_.servers) out.push_back({s, Probe(s.process)});
  return out;
}

Result<std::vector<ServerRecord>> Playground::ScaleOut(int count, std::chrono::milliseconds timeout) {
  const int have = static_cast<int>(state_.EndpointsOf(kRoleTablet).size());
  if (count < 1 || have + count > kMaxTablets) {
    return Status::InvalidArgument("--tablets must be from 1 to " + std::to_string(kMaxTablets - have) +
                                   " (the playground has " + std::to_string(have) + ")");
  }
  std::set<int> taken;
  for (const ServerRecord& s : state_.servers) taken.insert(std::stoi(s.endpoint.substr(s.endpoint.rfind(':') + 1)));
  const size_t first = state_.servers.size();
  for (int i = 1; i <= count; ++i) {
    KV_ASSIGN_OR_RETURN(int port, PickFreePort(&taken));
    state_.servers.push_back(NewTablet(have + i, port));
  }
  std::vector<ServerRecord> added;
  Status started = [&]() -> Status {
    for (size_t i = first; i < state_.servers.size(); ++i) {
      KV_RETURN_IF_ERROR(Launch(&state_.servers[i]));
      added.push_back(state_.servers[i]);
    }
    std::vector<std::string> endpoints;
    for (const ServerRecord& s : added) endpoints.push_back(s.endpoint);
    return WaitUntilServing(endpoints, added, timeout);
  }();
  if (!started.ok()) {
    std::vector<ProcessId> ids;
    for (const ServerRecord& s : added) ids.push_back(s.process);
    (void)StopAll(ids, std::chrono::seconds(5));
    state_.servers.resize(first);  // they are not part of the playground
    (void)SaveState(state_);
    return started;
  }
  return added;
}

Result<size_t> Playground::IndexOf(const std::string& name) const {
  for (size_t i = 0; i < state_.servers.size(); ++i) {
    if (state_.servers[i].name == name || state_.servers[i].endpoint == name) return i;
  }
  std::string names;
  for (const ServerRecord& s : state_.servers) names += (names.empty() ? "" : ", ") + s.name;
  return Status::InvalidArgument("no server '" + name + "' in the playground (it has " + names +
                                 "; an endpoint works too)");
}

Result<ServerRecord> Playground::Find(const std::string& name) const {
  KV_ASSIGN_OR_RETURN(size_t i, IndexOf(name));
  return state_.servers[i];
}

Status Playground::Signal(const std::string& name, int sig) {
  KV_ASSIGN_OR_RETURN(size_t i, IndexOf(name));
  const ServerRecord* server = &state_.servers[i];
  const Status sent = SendSignal(server->process, sig);
  if (!sent.ok()) return Status::FailedPrecondition(server->name + " (" + server->endpoint + ") is not running");
  constexpr auto kSettle = std::chrono::seconds(10);
  bool settled = true;
  if (sig == SIGKILL) settled = WaitUntilGone(server->process, kSettle);
  if (sig == SIGSTOP) settled = WaitForState(server->process, ProcessState::kStopped, kSettle);
  if (sig == SIGCONT) settled = WaitForState(server->process, ProcessState::kAlive, kSettle);
  if (!settled) return Status::IOError(server->name + " did not act on signal " + std::to_string(sig) + " in 10 s");
  return Status::OK();
}

Result<ServerRecord> Playground::Restart(const std::string& name, std::chrono::milliseconds timeout) {
  KV_ASSIGN_OR_RETURN(size_t i, IndexOf(name));
  ServerRecord* server = &state_.servers[i];
  KV_RETURN_IF_ERROR(KillAndWait(server->process));
  KV_RETURN_IF_ERROR(Launch(server));
  std::vector<std::string> endpoints;
  if (server->role == kRoleTablet) {
    endpoints.push_back(server->endpoint);
  } else {
    // A restarted nameserver is back when it sees every running tablet again.
    for (const ServerRecord& s : state_.servers) {
      if (s.role == kRoleTablet && Probe(s.process) == ProcessState::kAlive) endpoints.push_back(s.endpoint);
    }
  }
  KV_RETURN_IF_ERROR(WaitUntilServing(endpoints, {*server}, timeout));
  return *server;
}

Result<std::vector<StopOutcome>> Playground::Down(std::chrono::milliseconds grace) {
  std::vector<StopOutcome> outcomes(state_.servers.size(), StopOutcome::kAlreadyGone);
  // Tablets first, so no tablet spends its last moments looking for the nameserver.
  for (const char* role : {kRoleTablet, kRoleNameserver}) {
    std::vector<size_t> index;
    std::vector<ProcessId> ids;
    for (size_t i = 0; i < state_.servers.size(); ++i) {
      if (state_.servers[i].role != role) continue;
      index.push_back(i);
      ids.push_back(state_.servers[i].process);
    }
    KV_ASSIGN_OR_RETURN(std::vector<StopOutcome> stopped, StopAll(ids, grace));
    for (size_t k = 0; k < index.size(); ++k) outcomes[index[k]] = stopped[k];
  }
  return outcomes;
}

Status Playground::Clean(const std::string& dir) {
  KV_ASSIGN_OR_RETURN(Playground playground, Open(dir));
  for (const ServerView& v : playground.Display()) {
    if (v.state != ProcessState::kDead) {
      return Status::FailedPrecondition(v.server.name + " (pid " + std::to_string(v.server.process.pid) +
                                        ") still runs: `ops playground down --dir " + playground.state_.dir +
                                        "` first");
    }
  }
  std::error_code ec;
  fs::remove_all(playground.state_.dir, ec);
  if (ec) return Status::IOError("removing " + playground.state_.dir + ": " + ec.message());
  return Status::OK();
}

Result<std::unique_ptr<ScopedPlayground>> ScopedPlayground::Start(const PlaygroundOptions& options) {
  KV_ASSIGN_OR_RETURN(Playground playground, Playground::Up(options));
  return std::unique_ptr<ScopedPlayground>(new ScopedPlayground(std::move(playground)));
}

ScopedPlayground::~ScopedPlayground() {
  // Another process (`ops playground restart`, run by a test or by hand) may
  // have started servers since: the state file names them, this object's copy
  // does not. Processes are told apart by (pid, start time), so stopping both
  // lists never touches anyone else's process.
  if (Result<Playground> on_disk = Playground::Open(playground_.state().dir); on_disk.ok()) {
    (void)on_disk->Down(std::chrono::seconds(5));
  }
  (void)playground_.Down(std::chrono::seconds(5));
}

}  // namespace kv::ops
