// A real ZooKeeper server for the tests, from Debian's zookeeper package:
// standalone, on a free loopback port, with its own config and data dir in a
// temporary folder. The destructor kills it by PID and reaps it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/file.h"
#include "common/status.h"
#include "tests/test_util.h"

namespace kv::test {

class ZkServer {
 public:
  // Starts the server and waits until it serves requests. The error says why
  // not (missing package, the server's own log tail).
  static Result<std::unique_ptr<ZkServer>> Start();
  ~ZkServer();
  ZkServer(const ZkServer&) = delete;
  ZkServer& operator=(const ZkServer&) = delete;

  // Kills the server (SIGKILL: nothing is flushed that was not already durable).
  void Stop();
  // Starts it again on the same port and data dir.
  Status Restart();
  // "127.0.0.1:<port>", for MetaStoreOptions::zk_cluster.
  std::string address() const;
  int port() const { return port_; }

 private:
  ZkServer();
  Status Launch();
  Status WaitUntilServing(pid_t pid);
  std::string LogTail() const;

  TempDir dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

// Starts a server or fails the running test with the reason: the install
// script provides ZooKeeper, so a missing one is a broken machine, not a skip.
std::unique_ptr<ZkServer> StartZkServerOrFail();

// Polls condition until it holds (true) or timeout passes (false).
bool Eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

// True while the server holds session_id (its "dump" lists it).
Result<bool> ServerHasSession(const ZkServer& server, int64_t session_id);

// A TCP relay in front of a server, which a test cuts to partition the
// clients that connect through it: their sessions then expire on the server,
// as they would behind a broken network.
class ZkRelay {
 public:
  static Result<std::unique_ptr<ZkRelay>> Start(const ZkServer& server);
  ~ZkRelay();  // stops the relay thread
  ZkRelay(const ZkRelay&) = delete;
  ZkRelay& operator=(const ZkRelay&) = delete;

  // Connect clients here instead of to the server.
  std::string address() const;
  // Drops every relayed connection and refuses new ones until Heal().
  void Cut();
  void Heal();

 private:
  ZkRelay(UniqueFd listener, UniqueFd wake, int port, int server_port);
  void Run();
  void Accept(bool cut);
  void Wake();

  UniqueFd listener_;
  UniqueFd wake_;  // an eventfd: Cut, Heal and the destructor wake the thread
  const int port_;
  const int server_port_;
  std::mutex mu_;
  bool cut_ = false;
  bool stop_ = false;
  std::vector<std::pair<UniqueFd, UniqueFd>> pairs_;  // relay thread only
  std::thread thread_;
};

}  // namespace kv::test
