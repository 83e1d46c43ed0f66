// The `tablet` binary: bad flags, a locked data dir, a clean stop on SIGTERM.
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "common/file.h"
#include "tests/tablet_test_util.h"

namespace kv::test {
namespace {

const std::string kTablet = KV_BINARY_DIR "/cluster/tablet/tablet";

// A child `tablet` process with stdout and stderr in a file; killed and reaped
// by PID when the object dies, whatever happened in the test.
class TabletProcess {
 public:
  TabletProcess(const std::vector<std::string>& args, const std::string& output) {
    std::vector<std::string> argv_storage = {kTablet};
    argv_storage.insert(argv_storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& a : argv_storage) argv.push_back(a.data());
    argv.push_back(nullptr);
    const int out = ::open(output.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    REQUIRE(out >= 0);
    UniqueFd guard(out);
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      ::dup2(out, STDOUT_FILENO);
      ::dup2(out, STDERR_FILENO);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
  }
  ~TabletProcess() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }

  // The exit code, once the process ended within the timeout; -1 otherwise.
  int WaitForExit(std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    int code = -1;
    WaitUntil(
        [&] {
          int status = 0;
          if (::waitpid(pid_, &status, WNOHANG) != pid_) return false;
          pid_ = -1;
          code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
          return true;
        },
        timeout);
    return code;
  }
  void Signal(int sig) { ::kill(pid_, sig); }

 private:
  pid_t pid_ = -1;
};

struct Run {
  int code;
  std::string output;
};

Run RunTablet(const std::vector<std::string>& args) {
  TempDir out;
  TabletProcess p(args, out / "output");
  const int code = p.WaitForExit();
  return {code, ReadFile(out / "output")};
}

size_t Lines(const std::string& text) { return static_cast<size_t>(std::count(text.begin(), text.end(), '\n')); }

}  // namespace

TEST_CASE("tablet: bad flags give one line and exit 2", "[tablet][binary]") {
  TempDir dir;
  const std::vector<std::vector<std::string>> bad = {
      {"--data-dir", dir.path(), "--no-such-flag"},
      {"--endpoint", "localhost", "--data-dir", dir.path()},
      {"--data-dir", dir.path(), "--block-cache-mb", "0"},
      {"--data-dir", dir.path(), "--ns", "127.0.0.1:6527,nohost"},
      {"--data-dir", dir.path(), "--log-level", "loud"},
      {"--endpoint", "127.0.0.1:0"},  // no data dir
  };
  for (const auto& args : bad) {
    const Run r = RunTablet(args);
    INFO(r.output);
    CHECK(r.code == 2);
    CHECK(Lines(r.output) == 1);
    CHECK_THAT(r.output, Catch::StartsWith("tablet: "));
  }
  const Run help = RunTablet({"--help"});
  CHECK(help.code == 0);
  CHECK_THAT(help.output, Catch::Contains("--block-cache-mb") && Catch::Contains("64"));
}

TEST_CASE("tablet: a data dir locked by another process is a clear error, exit 1", "[tablet][binary]") {
  TempDir dir;
  auto lock = FileLock::Acquire(dir / "LOCK");
  REQUIRE(lock.ok());
  const Run r = RunTablet({"--endpoint", "127.0.0.1:0", "--data-dir", dir.path(), "--ns", "127.0.0.1:1"});
  INFO(r.output);
  CHECK(r.code == 1);
  CHECK_THAT(r.output, Catch::Contains("in use") && Catch::Contains(dir.path() + "/LOCK"));
}

TEST_CASE("tablet: SIGTERM stops a running tablet cleanly, exit 0", "[tablet][binary]") {
  TempDir dir;
  TabletProcess p({"--endpoint", "127.0.0.1:0", "--data-dir", dir / "data", "--ns", "127.0.0.1:1"}, dir / "output");
  // tablet.json is written once the server listens.
  REQUIRE(WaitUntil([&] { return PathExists(dir / "data/tablet.json"); }));
  p.Signal(SIGTERM);
  CHECK(p.WaitForExit() == 0);
  CHECK_THAT(ReadFile(dir / "data/tablet.log"), Catch::Contains("stopped"));
}

}  // namespace kv::test
