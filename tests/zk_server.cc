#include "tests/zk_server.h"

#include <arpa/inet.h>
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "common/file.h"

namespace kv::test {

namespace {

using Clock = std::chrono::steady_clock;

constexpr char kJava[] = "/usr/bin/java";
constexpr char kServerJar[] = "/usr/share/java/zookeeper.jar";  // its manifest lists the other jars
constexpr char kLoggerJar[] = "/usr/share/java/slf4j-simple.jar";
constexpr char kMainClass[] = "org.apache.zookeeper.server.ZooKeeperServerMain";
// A cold JVM on a busy two-core machine can take a while.
constexpr auto kStartTimeout = std::chrono::seconds(60);
constexpr auto kPollPause = std::chrono::milliseconds(50);

sockaddr_in Loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

// A socket listening on a free loopback port, and the port.
Result<std::pair<UniqueFd, int>> ListenOnLoopback() {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return Status::FromErrno("socket", errno);
  sockaddr_in addr = Loopback(0);
  socklen_t len = sizeof addr;
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd.get(), 16) != 0 ||
      ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return Status::FromErrno("listen on a loopback port", errno);
  }
  return std::make_pair(std::move(fd), static_cast<int>(ntohs(addr.sin_port)));
}

// Not valid() when nobody listens on port.
UniqueFd ConnectLoopback(int port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr = Loopback(port);
  if (!fd.valid() || ::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return UniqueFd();
  return fd;
}

// Sends a four-letter word and returns the whole answer ("" when nobody listens).
std::string AskServer(int port, const std::string& word) {
  UniqueFd fd = ConnectLoopback(port);
  if (!fd.valid()) return "";
  // A server still starting may answer nothing and keep the socket open.
  timeval timeout{.tv_sec = 1, .tv_usec = 0};
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  if (!WriteAll(fd.get(), word).ok()) return "";
  std::string answer;
  char buf[512];
  ssize_t n;
  while ((n = ::read(fd.get(), buf, sizeof buf)) > 0) answer.append(buf, static_cast<size_t>(n));
  return answer;
}

// Copies what is readable on from to to; false when either side is done.
bool Forward(int from, int to) {
  char buf[64 * 1024];
  ssize_t n = ::read(from, buf, sizeof buf);
  return n > 0 && WriteAll(to, std::string_view(buf, static_cast<size_t>(n))).ok();
}

}  // namespace

ZkServer::ZkServer() = default;

ZkServer::~ZkServer() { Stop(); }

Result<std::unique_ptr<ZkServer>> ZkServer::Start() {
  for (const char* file : {kJava, kServerJar}) {
    if (!PathExists(file)) {
      return Status::NotFound(std::string("cannot start ZooKeeper: ") + file +
                              " is missing (run scripts/install-deps.sh: packages zookeeper, default-jre-headless)");
    }
  }
  std::unique_ptr<ZkServer> server(new ZkServer());
  {
    // The port is free once this socket closes; the server binds it right after.
    KV_ASSIGN_OR_RETURN(auto probe, ListenOnLoopback());
    server->port_ = probe.second;
  }
  KV_RETURN_IF_ERROR(CreateDirs(server->dir_ / "data"));
  // tickTime 500 ms lets clients ask for sessions as short as 1 s.
  const std::string config = "tickTime=500\n"
                             "dataDir=" + (server->dir_ / "data") + "\n"
                             "clientPort=" + std::to_string(server->port_) + "\n"
                             "clientPortAddress=127.0.0.1\n"
                             "admin.enableServer=false\n"
                             "4lw.commands.whitelist=srvr,dump\n";
  KV_RETURN_IF_ERROR(WriteFileAtomic(server->dir_ / "zoo.cfg", config));
  KV_RETURN_IF_ERROR(server->Launch());
  return server;
}

Status ZkServer::Launch() {
  std::string classpath = kServerJar;
  if (PathExists(kLoggerJar)) classpath += std::string(":") + kLoggerJar;  // else the server logs nothing
  const std::string config = dir_ / "zoo.cfg";
  std::vector<std::string> args = {kJava, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                                   "-cp", classpath, kMainClass, config};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  const std::string log = dir_ / "zookeeper.log";
  int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) return Status::FromErrno("open " + log, errno);
  UniqueFd log_guard(log_fd);
  const pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) return Status::FromErrno("fork", errno);
  if (pid == 0) {
    // Only async-signal-safe calls until exec. The server dies with the test.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    int null_fd = ::open("/dev/null", O_RDONLY);
    ::dup2(null_fd, STDIN_FILENO);
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    ::execv(kJava, argv.data());
    ::_exit(127);
  }
  pid_ = pid;
  return WaitUntilServing(pid);
}

Status ZkServer::WaitUntilServing(pid_t pid) {
  const auto deadline = Clock::now() + kStartTimeout;
  // "srvr" answers with the version only once the server serves requests.
  while (AskServer(port_, "srvr").rfind("Zookeeper version", 0) != 0) {
    int wstatus = 0;
    if (::waitpid(pid, &wstatus, WNOHANG) == pid) {
      pid_ = -1;
      return Status::IOError("ZooKeeper server exited during start-up; its log ends with:\n" + LogTail());
    }
    if (Clock::now() > deadline) {
      return Status::IOError("ZooKeeper server not serving on port " + std::to_string(port_) + " after " +
                             std::to_string(kStartTimeout.count()) + " s; its log ends with:\n" + LogTail());
    }
    std::this_thread::sleep_for(kPollPause);
  }
  return Status::OK();
}

void ZkServer::Stop() {
  if (pid_ < 0) return;
  ::kill(pid_, SIGKILL);
  int wstatus = 0;
  while (::waitpid(pid_, &wstatus, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

Status ZkServer::Restart() {
  Stop();
  return Launch();
}

std::string ZkServer::address() const { return "127.0.0.1:" + std::to_string(port_); }

std::string ZkServer::LogTail() const {
  std::string log = ReadFile(dir_ / "zookeeper.log");
  constexpr size_t kTail = 3000;
  return log.size() > kTail ? log.substr(log.size() - kTail) : log;
}

std::unique_ptr<ZkServer> StartZkServerOrFail() {
  Result<std::unique_ptr<ZkServer>> server = ZkServer::Start();
  if (!server.ok()) FAIL("cannot start a ZooKeeper server for the test: " << server.status().ToString());
  return std::move(server).value();
}

bool Eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!condition()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

Result<bool> ServerHasSession(const ZkServer& server, int64_t session_id) {
  const std::string dump = AskServer(server.port(), "dump");
  if (dump.empty()) return Status::IOError("ZooKeeper at " + server.address() + " does not answer \"dump\"");
  char id[32];
  std::snprintf(id, sizeof id, "\t0x%llx\n", static_cast<unsigned long long>(session_id));
  return dump.find(id) != std::string::npos;
}

Result<std::unique_ptr<ZkRelay>> ZkRelay::Start(const ZkServer& server) {
  KV_ASSIGN_OR_RETURN(auto listener, ListenOnLoopback());
  UniqueFd wake(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!wake.valid()) return Status::FromErrno("eventfd", errno);
  std::unique_ptr<ZkRelay> relay(
      new ZkRelay(std::move(listener.first), std::move(wake), listener.second, server.port()));
  relay->thread_ = std::thread(&ZkRelay::Run, relay.get());
  return relay;
}

ZkRelay::ZkRelay(UniqueFd listener, UniqueFd wake, int port, int server_port)
    : listener_(std::move(listener)), wake_(std::move(wake)), port_(port), server_port_(server_port) {}

ZkRelay::~ZkRelay() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  Wake();
  thread_.join();
}

std::string ZkRelay::address() const { return "127.0.0.1:" + std::to_string(port_); }

void ZkRelay::Cut() {
  {
    std::lock_guard lock(mu_);
    cut_ = true;
  }
  Wake();
}

void ZkRelay::Heal() {
  {
    std::lock_guard lock(mu_);
    cut_ = false;
  }
  Wake();
}

void ZkRelay::Wake() {
  uint64_t one = 1;
  (void)!::write(wake_.get(), &one, sizeof one);
}

void ZkRelay::Accept(bool cut) {
  UniqueFd client(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
  if (!client.valid() || cut) return;  // refused: closed at once
  UniqueFd upstream = ConnectLoopback(server_port_);
  if (upstream.valid()) pairs_.emplace_back(std::move(client), std::move(upstream));
}

void ZkRelay::Run() {
  for (;;) {
    bool cut;
    {
      std::lock_guard lock(mu_);
      if (stop_) return;
      cut = cut_;
    }
    if (cut) pairs_.clear();
    std::vector<pollfd> fds{{listener_.get(), POLLIN, 0}, {wake_.get(), POLLIN, 0}};
    for (auto& [client, upstream] : pairs_) {
      fds.push_back({client.get(), POLLIN, 0});
      fds.push_back({upstream.get(), POLLIN, 0});
    }
    if (::poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) return;
    uint64_t ignored;
    if (fds[1].revents != 0) (void)!::read(wake_.get(), &ignored, sizeof ignored);
    for (size_t i = pairs_.size(); i-- > 0;) {
      auto& [client, upstream] = pairs_[i];
      bool open = fds[2 + 2 * i].revents == 0 || Forward(client.get(), upstream.get());
      open = open && (fds[3 + 2 * i].revents == 0 || Forward(upstream.get(), client.get()));
      if (!open) pairs_.erase(pairs_.begin() + static_cast<std::ptrdiff_t>(i));
    }
    if (fds[0].revents != 0) Accept(cut);
  }
}

}  // namespace kv::test
