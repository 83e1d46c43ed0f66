// One ZooKeeper session that survives what ZooKeeper throws at a client.
//
// - Lost connection: the C client reconnects by itself; Call() waits for it and
//   retries the operation until zk_operation_timeout, then gives up with the
//   last error code (ToStatus() turns it into a clear message).
// - Expired session (the server forgot us, e.g. after a long partition): the
//   handle is unusable for good; the next Call() replaces it with a new session
//   and generation() goes up. Ephemeral znodes and watches of the old session
//   are gone; callers that own some (the election) make them again.
//
// A retried write may have been applied by the attempt that lost its answer;
// Call() says so (maybe_applied) so the caller can check before reporting a
// conflict.
#pragma once

#include <zookeeper/zookeeper.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace kv::meta {

struct ZkClientOptions {
  std::string hosts;  // "host:port[,host:port...]"
  std::chrono::milliseconds session_timeout{3000};
  std::chrono::milliseconds operation_timeout{10000};
};

class ZkClient {
 public:
  // Waits for the first connection, at most operation_timeout.
  static Result<std::shared_ptr<ZkClient>> Connect(const ZkClientOptions& options);
  ~ZkClient();
  ZkClient(const ZkClient&) = delete;
  ZkClient& operator=(const ZkClient&) = delete;

  struct Outcome {
    int rc = ZOK;
    bool maybe_applied = false;  // an earlier attempt lost its answer
  };
  // Runs op with a connected handle, again after each lost connection or
  // expired session, until it gives another answer or the deadline passes.
  // ZCLOSING once Close() was called.
  Outcome Call(const std::function<int(zhandle_t*)>& op);

  // "ZooKeeper at <hosts>: <what>: <reason>", with what to check for the
  // connection errors.
  Status ToStatus(int rc, const std::string& what) const;

  bool connected() const;
  uint64_t generation() const;
  // The current session's id and password (tests use them to expire it).
  std::optional<clientid_t> session() const;
  // Called from ZooKeeper's thread at every connection state change and every
  // fired watch (watches are set with watch = 1 on the calls). Keep it short.
  void SetEventListener(std::function<void()> listener);
  // Ends the session (its ephemeral znodes go at once) and wakes every waiter.
  void Close();

 private:
  explicit ZkClient(ZkClientOptions options) : options_(std::move(options)) {}
  static void OnEvent(zhandle_t* zh, int type, int state, const char* path, void* context);
  Status OpenHandleLocked(std::shared_ptr<zhandle_t>* retired);
  // A connected handle, renewing an expired session; null when closed or when
  // the deadline passed first.
  std::shared_ptr<zhandle_t> ConnectedHandle(std::chrono::steady_clock::time_point deadline);

  const ZkClientOptions options_;
  mutable std::mutex mu_;
  std::condition_variable state_changed_;
  std::shared_ptr<zhandle_t> handle_;
  uint64_t generation_ = 0;
  bool closed_ = false;
  std::mutex listener_mu_;
  std::function<void()> listener_;
};

// A znode's data (nullopt for null data: a folder, not a key) and stat.
struct ZkNode {
  std::optional<std::string> data;
  Stat stat{};
};
// nullopt when the znode does not exist. watch = 1 also sets a watch.
Result<std::optional<ZkNode>> ReadNode(ZkClient& client, const std::string& path, int watch = 0);
// Children names; empty when the znode does not exist.
Result<std::vector<std::string>> ReadChildren(ZkClient& client, const std::string& path);
// Creates path and its missing ancestors as folders (null data).
Status EnsureFolder(ZkClient& client, const std::string& path);

}  // namespace kv::meta
