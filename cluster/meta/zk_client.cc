#include "cluster/meta/zk_client.h"

#include <cerrno>
#include <cstring>
#include <algorithm>
#include <mutex>

#include "cluster/meta/meta_key.h"

namespace kv::meta {

namespace {

using Clock = std::chrono::steady_clock;

// Answers that say "the server never answered" or "this session is gone", as
// opposed to an answer about the znode.
bool IsTransient(int rc) {
  return rc == ZCONNECTIONLOSS || rc == ZOPERATIONTIMEOUT || rc == ZSESSIONEXPIRED ||
         rc == ZINVALIDSTATE || rc == ZSESSIONMOVED;
}

void SilenceClientLog() {
  // While a server is down the C client writes an error line to stderr at
  // every reconnect attempt, many per second. The Status of a call that gives
  // up says the same once, with the address and what to check.
  static std::once_flag once;
  std::call_once(once, [] { zoo_set_debug_level(static_cast<ZooLogLevel>(0)); });
}

}  // namespace

Result<std::shared_ptr<ZkClient>> ZkClient::Connect(const ZkClientOptions& options) {
  if (options.hosts.empty()) return Status::InvalidArgument("ZooKeeper cluster address is empty");
  if (options.session_timeout.count() <= 0 || options.operation_timeout.count() <= 0) {
    return Status::InvalidArgument("ZooKeeper session and operation timeouts must be positive");
  }
  SilenceClientLog();
  std::shared_ptr<ZkClient> client(new ZkClient(options));
  {
    std::shared_ptr<zhandle_t> unused;
    std::lock_guard lock(client->mu_);
    KV_RETURN_IF_ERROR(client->OpenHandleLocked(&unused));
  }
  if (!client->ConnectedHandle(Clock::now() + options.operation_timeout)) {
    return Status::IOError("cannot reach ZooKeeper at " + options.hosts + " within " +
                           std::to_string(options.operation_timeout.count()) +
                           " ms (is it running? check the --zk-cluster address)");
  }
  return client;
}

ZkClient::~ZkClient() { Close(); }

Status ZkClient::OpenHandleLocked(std::shared_ptr<zhandle_t>* retired) {
  zhandle_t* zh = zookeeper_init(options_.hosts.c_str(), &ZkClient::OnEvent,
                                 static_cast<int>(options_.session_timeout.count()), nullptr, this, 0);
  if (zh == nullptr) {
    return Status::InvalidArgument("cannot use ZooKeeper address '" + options_.hosts +
                                   "': " + std::strerror(errno));
  }
  // The old handle is closed by whoever drops it last, never under mu_:
  // zookeeper_close joins the thread that calls OnEvent, which takes mu_.
  *retired = std::move(handle_);
  handle_ = std::shared_ptr<zhandle_t>(zh, [](zhandle_t* h) { zookeeper_close(h); });
  ++generation_;
  return Status::OK();
}

void ZkClient::OnEvent(zhandle_t* zh, int type, int state, const char* path, void* context) {
  auto* self = static_cast<ZkClient*>(context);
  {
    std::lock_guard lock(self->mu_);
    self->state_changed_.notify_all();
  }
  std::lock_guard lock(self->listener_mu_);
  if (self->listener_) self->listener_();
}

std::shared_ptr<zhandle_t> ZkClient::ConnectedHandle(Clock::time_point deadline) {
  std::shared_ptr<zhandle_t> retired;  // destroyed after the lock is released
  std::unique_lock lock(mu_);
  for (;;) {
    if (closed_) return nullptr;
    if (is_unrecoverable(handle_.get()) == ZINVALIDSTATE && !OpenHandleLocked(&retired).ok()) {
      return nullptr;
    }
    if (zoo_state(handle_.get()) == ZOO_CONNECTED_STATE) return handle_;
    if (state_changed_.wait_until(lock, deadline) == std::cv_status::timeout) {
      if (zoo_state(handle_.get()) == ZOO_CONNECTED_STATE) return handle_;
      return nullptr;
    }
  }
}

ZkClient::Outcome ZkClient::Call(const std::function<int(zhandle_t*)>& op) {
  const auto deadline = Clock::now() + options_.operation_timeout;
  Outcome out;
  for (;;) {
    std::shared_ptr<zhandle_t> zh = ConnectedHandle(deadline);
    if (zh == nullptr) {
      std::lock_guard lock(mu_);
      out.rc = closed_ ? ZCLOSING : ZCONNECTIONLOSS;
      return out;
    }
    out.rc = op(zh.get());
    if (!IsTransient(out.rc)) return out;
    out.maybe_applied = true;
    if (Clock::now() >= deadline) return out;
    // Usually the state has already left "connected" and ConnectedHandle waits
    // for it to come back; this pause only keeps an odd answer from spinning.
    std::unique_lock lock(mu_);
    state_changed_.wait_until(lock, std::min(deadline, Clock::now() + std::chrono::milliseconds(50)));
  }
}

Status ZkClient::ToStatus(int rc, const std::string& what) const {
  if (rc == ZCLOSING) return Status::FailedPrecondition("metadata store is closed (" + what + ")");
  std::string msg = "ZooKeeper at " + options_.hosts + ": " + what + ": " + zerror(rc);
  if (IsTransient(rc)) {
    msg += " (gave up after " + std::to_string(options_.operation_timeout.count()) +
           " ms; is a quorum of the ZooKeeper servers up and reachable?)";
  }
  return Status::IOError(msg);
}

bool ZkClient::connected() const {
  std::lock_guard lock(mu_);
  return !closed_ && zoo_state(handle_.get()) == ZOO_CONNECTED_STATE;
}

uint64_t ZkClient::generation() const {
  std::lock_guard lock(mu_);
  return generation_;
}

std::optional<clientid_t> ZkClient::session() const {
  std::lock_guard lock(mu_);
  if (closed_) return std::nullopt;
  return *zoo_client_id(handle_.get());
}

void ZkClient::SetEventListener(std::function<void()> listener) {
  std::lock_guard lock(listener_mu_);
  listener_ = std::move(listener);
}

void ZkClient::Close() {
  std::shared_ptr<zhandle_t> retired;
  {
    std::lock_guard lock(mu_);
    if (closed_) return;
    closed_ = true;
    retired = std::move(handle_);
    state_changed_.notify_all();
  }
}

Result<std::optional<ZkNode>> ReadNode(ZkClient& client, const std::string& path, int watch) {
  ZkNode node;
  std::string buffer(4096, '\0');
  for (;;) {
    int length = 0;
    int rc = client
                 .Call([&](zhandle_t* zh) {
                   length = static_cast<int>(buffer.size());
                   return zoo_get(zh, path.c_str(), watch, buffer.data(), &length, &node.stat);
                 })
                 .rc;
    if (rc == ZNONODE) return std::optional<ZkNode>();
    if (rc != ZOK) return client.ToStatus(rc, "read " + path);
    // The C client cuts data at the buffer's size; the stat says how much there is.
    if (node.stat.dataLength > static_cast<int>(buffer.size())) {
      buffer.resize(static_cast<size_t>(node.stat.dataLength));
      continue;
    }
    if (length >= 0) node.data = buffer.substr(0, static_cast<size_t>(length));
    return std::optional<ZkNode>(std::move(node));
  }
}

Result<std::vector<std::string>> ReadChildren(ZkClient& client, const std::string& path) {
  std::vector<std::string> names;
  int rc = client
               .Call([&](zhandle_t* zh) {
                 String_vector children{};
                 int r = zoo_get_children(zh, path.c_str(), 0, &children);
                 if (r == ZOK) names.assign(children.data, children.data + children.count);
                 deallocate_String_vector(&children);
                 return r;
               })
               .rc;
  if (rc == ZNONODE) return std::vector<std::string>();
  if (rc != ZOK) return client.ToStatus(rc, "list " + path);
  return names;
}

Status EnsureFolder(ZkClient& client, const std::string& path) {
  if (path == "/") return Status::OK();
  int rc = client
               .Call([&](zhandle_t* zh) {
                 return zoo_create(zh, path.c_str(), nullptr, -1, &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT,
                                   nullptr, 0);
               })
               .rc;
  if (rc == ZNONODE) {
    KV_RETURN_IF_ERROR(EnsureFolder(client, ParentOf(path)));
    return EnsureFolder(client, path);
  }
  if (rc != ZOK && rc != ZNODEEXISTS) return client.ToStatus(rc, "create folder " + path);
  return Status::OK();
}

}  // namespace kv::meta
