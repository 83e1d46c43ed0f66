// The nameserver binary: its flags (--help, bad values: one line, exit 2) and
// a clean stop on SIGTERM (exit 0). Children are killed and reaped by PID.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "tests/test_util.h"
#include "tests/zk_server.h"

using namespace kv;
using namespace kv::test;
using namespace std::chrono_literals;

namespace {

const std::string kBinary = KV_BINARY_DIR "/cluster/nameserver/nameserver";

// A child process, killed and reaped when the object dies.
class Child {
 public:
  Child(std::vector<std::string> args, const std::string& output) {
    pid_ = fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      FILE* out = std::freopen(output.c_str(), "w", stdout);
      FILE* err = std::freopen(output.c_str(), "a", stderr);
      (void)out;
      (void)err;
      std::vector<char*> argv;
      argv.push_back(const_cast<char*>(kBinary.c_str()));
      for (std::string& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(kBinary.c_str(), argv.data());
      _exit(127);
    }
  }
  ~Child() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  pid_t pid() const { return pid_; }
  // The exit code, or -1 if it has not exited by the deadline.
  int WaitExit(std::chrono::milliseconds timeout) {
    int status = 0;
    const bool exited = Eventually([&] { return waitpid(pid_, &status, WNOHANG) == pid_; }, timeout);
    if (!exited) return -1;
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

 private:
  pid_t pid_ = -1;
};

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs the binary to its end; returns the exit code, output in *output.
int Run(std::vector<std::string> args, std::string* output) {
  TempDir dir;
  Child child(std::move(args), dir / "out");
  const int code = child.WaitExit(20s);
  *output = Slurp(dir / "out");
  return code;
}

size_t Lines(const std::string& text) { return std::count(text.begin(), text.end(), '\n'); }

}  // namespace

TEST_CASE("nameserver binary: --help lists every flag with its default") {
  std::string out;
  REQUIRE(Run({"--help"}, &out) == 0);
  for (const char* flag : {"--endpoint", "--data-dir", "--zk-cluster", "--zk-root-path", "--tablet-offline-timeout-ms",
                           "--lease-ms", "--heartbeat-interval-ms", "--catch-up-timeout-ms", "--log-level"}) {
    CHECK(out.find(flag) != std::string::npos);
  }
  CHECK(out.find("1000") != std::string::npos);
  CHECK(out.find("800") != std::string::npos);
}

TEST_CASE("nameserver binary: bad flags give one line and exit 2") {
  TempDir dir;
  const std::string data = dir / "ns";
  struct Case {
    std::vector<std::string> args;
    const char* says;
  };
  const std::vector<Case> cases = {
      {{"--data-dir", data, "--no-such-flag"}, "no-such-flag"},
      {{}, "--data-dir"},
      {{"--data-dir", data, "--lease-ms", "1000"}, "must be shorter than the tablet offline timeout"},
      {{"--data-dir", data, "--lease-ms", "abc"}, "lease-ms"},
      {{"--data-dir", data, "--log-level", "loud"}, "log-level"},
      {{"--data-dir", data, "--catch-up-timeout-ms", "0"}, "catch-up timeout must be positive"},
      {{"--data-dir", data, "--endpoint", "nowhere"}, "host:port"},
  };
  for (const Case& c : cases) {
    std::string out;
    const int code = Run(c.args, &out);
    INFO(out);
    CHECK(code == 2);
    CHECK(out.find(c.says) != std::string::npos);
    CHECK(Lines(out) == 1);
  }
}

TEST_CASE("nameserver binary: serves, logs to DATA_DIR/nameserver.log, stops cleanly on SIGTERM") {
  TempDir dir;
  const std::string data = dir / "ns";
  Child child({"--endpoint", "127.0.0.1:0", "--data-dir", data}, dir / "out");
  REQUIRE(Eventually([&] { return Slurp(data + "/nameserver.log").find("active:") != std::string::npos; }, 20s));
  CHECK(Slurp(data + "/nameserver.log").find("serving on 127.0.0.1:") != std::string::npos);

  SECTION("a second nameserver on the same data dir is refused") {
    std::string out;
    CHECK(Run({"--endpoint", "127.0.0.1:0", "--data-dir", data}, &out) == 1);
    CHECK(out.find("LOCK") != std::string::npos);
  }
  REQUIRE(kill(child.pid(), SIGTERM) == 0);
  CHECK(child.WaitExit(20s) == 0);
}
