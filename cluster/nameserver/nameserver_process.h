// A running nameserver: the metadata store, the leader election, the core
// (nameserver.h), the gRPC server, and one background thread that follows the
// election (activate: reload everything; lose it: stand by) and runs the
// failure detector. main.cc wraps it in flags and signals; tests run it in
// process.
#pragma once

#include <grpcpp/server.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "cluster/meta/leader_election.h"
#include "cluster/meta/meta_store.h"
#include "cluster/nameserver/nameserver.h"
#include "cluster/nameserver/nameserver_service.h"
#include "common/status.h"

namespace kv::ns {

struct NameServerOptions {
  // host:port to listen on; port 0 picks a free one (see endpoint()).
  std::string endpoint = "127.0.0.1:6527";
  // Embedded metadata lives here (DATA_DIR/meta, locked by DATA_DIR/LOCK).
  std::string data_dir;
  // ZooKeeper metadata and election when set (docs/cluster.md).
  std::string zk_cluster;
  std::string zk_root_path = "/kv";
  std::chrono::milliseconds zk_session_timeout{3000};
  NameServerTiming timing;
  // The failure detector's clock (NameServer); tests jump it to play a stall.
  MonotonicNow now = std::chrono::steady_clock::now;
};

class NameServerProcess {
 public:
  // Opens the store, listens, joins the election. Bad options are
  // InvalidArgument; a data dir in use is Busy.
  static Result<std::unique_ptr<NameServerProcess>> Start(const NameServerOptions& options);
  // Stops.
  ~NameServerProcess();
  NameServerProcess(const NameServerProcess&) = delete;
  NameServerProcess& operator=(const NameServerProcess&) = delete;

  // Stops serving, leaves the election (a standby takes over at once) and
  // closes the store. Idempotent.
  void Stop();

  // The endpoint actually listened on, as it is announced to others.
  const std::string& endpoint() const { return endpoint_; }
  bool IsActive() const { return core_->IsActive(); }

 private:
  NameServerProcess() = default;
  // The background thread: follows the election, runs the failure detector.
  void Run();
  // One step of following the election.
  void FollowElection();
  std::string LeaderHint() const;

  NameServerTiming timing_;
  std::unique_ptr<meta::MetaStore> store_;
  std::unique_ptr<meta::LeaderElection> election_;
  std::unique_ptr<NameServer> core_;
  std::unique_ptr<NameServerService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::string endpoint_;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::string leader_hint_;
  std::thread loop_;
};

}  // namespace kv::ns
