// A running tablet: its data dir (locked), the Tablet with its replicas, the
// gRPC server and, when nameservers are given, the link that registers and
// heartbeats. What the `tablet` binary runs, and what tests start in-process.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "cluster/tablet/clock.h"
#include "cluster/tablet/data_dir.h"
#include "cluster/tablet/hot_calls.h"
#include "cluster/tablet/nameserver_link.h"
#include "cluster/tablet/tablet.h"
#include "cluster/tablet/tablet_service.h"
#include "common/status.h"

namespace kv::tablet {

struct TabletServerOptions {
  std::string endpoint = "127.0.0.1:9921";  // host:port to listen on; port 0 = any free port
  // Empty = no nameserver: nothing grants leases but whoever drives
  // tablet().leases() (the tests).
  std::vector<std::string> nameservers;
  NameserverLinkOptions link;  // its nameservers are taken from above
  TabletOptions tablet;        // its endpoint is filled in once the port is bound
  const Clock* clock = nullptr;  // the leases' clock; null = the steady clock
  int hot_call_threads = 1;      // for WriteMulti and AppendMulti (hot_calls.h)
};

class TabletServer {
 public:
  // Serves the data dir (already locked by DataDir::Open) on options.endpoint.
  static Result<std::unique_ptr<TabletServer>> Start(DataDir data_dir, TabletServerOptions options);
  ~TabletServer();  // Shutdown()
  TabletServer(const TabletServer&) = delete;
  TabletServer& operator=(const TabletServer&) = delete;

  // Stops heartbeating, closes every replica, stops the server. Idempotent.
  void Shutdown();

  const std::string& endpoint() const { return endpoint_; }
  Tablet& tablet() { return *tablet_; }

 private:
  TabletServer() = default;

  std::string endpoint_;
  TabletService service_;
  std::unique_ptr<HotCalls> hot_calls_;  // before server_: its queues outlive the server
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<Tablet> tablet_;
  client::Channels nameserver_channels_;
  std::unique_ptr<NameserverLink> link_;
  bool shut_down_ = false;
};

}  // namespace kv::tablet
