// The `tablet` binary: bad flags, a locked data dir, a clean stop on SIGTERM.
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/file.h"
#include "storage/layout.h"
#include "storage/replica.h"
#include "tests/tablet_test_util.h"

namespace kv::test {
namespace {

const std::string kTablet = KV_BINARY_DIR "/cluster/tablet/tablet";

// A child `tablet` process with stdout and stderr in a file; killed and reaped
// by PID when the object dies, whatever happened in the test.
class TabletProcess {
 public:
  // open_files: the RLIMIT_NOFILE (soft, hard) to start it under; none: the test's own.
  TabletProcess(const std::vector<std::string>& args, const std::string& output,
                std::optional<std::pair<rlim_t, rlim_t>> open_files = std::nullopt) {
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
      if (open_files) {
        const rlimit limit{open_files->first, open_files->second};
        if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) ::_exit(126);
      }
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

Run RunTablet(const std::vector<std::string>& args,
              std::optional<std::pair<rlim_t, rlim_t>> open_files = std::nullopt) {
  TempDir out;
  TabletProcess p(args, out / "output", open_files);
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

// A data dir holding n replicas of table "t" (tid 1), made and closed.
void MakeReplicas(const std::string& data_dir, uint32_t n) {
  storage::StorageEnv env;
  for (uint32_t pid = 0; pid < n; ++pid) {
    storage::ReplicaOptions o;
    o.table = "t";
    o.tid = 1;
    o.pid = pid;
    o.quarantine_root = data_dir + "/quarantine";
    REQUIRE(storage::Replica::Open(storage::ReplicaDir(data_dir, 1, pid), o, env).ok());
  }
}

TEST_CASE("tablet: too few open files for its replicas even at the hard limit: refused in one line, exit 1",
          "[tablet][binary]") {
  TempDir dir;
  MakeReplicas(dir / "data", 40);  // about 256 + 40 x 8 = 576 open files
  const Run r = RunTablet({"--endpoint", "127.0.0.1:0", "--data-dir", dir / "data", "--ns", "127.0.0.1:1"},
                          std::make_pair(rlim_t{200}, rlim_t{300}));
  INFO(r.output);
  CHECK(r.code == 1);
  // The one line that ends it: the limit, the need and how to raise it.
  const std::string last = r.output.substr(r.output.rfind('\n', r.output.size() - 2) + 1);
  CHECK_THAT(last, Catch::StartsWith("tablet: cannot start: the data dir holds 40 replicas") &&
                       Catch::Contains("576 open files") && Catch::Contains("the limit is 300") &&
                       Catch::Contains("ulimit -n 576") && Catch::Contains("LimitNOFILE=576"));
  CHECK_THAT(r.output, !Catch::Contains("Too many open files"));
}

TEST_CASE("tablet: a soft open-files limit too low for its replicas is raised to the hard one and every replica "
          "is served",
          "[tablet][binary]") {
  TempDir dir;
  MakeReplicas(dir / "data", 40);
  // 64 would not even open the 40 replicas.
  TabletProcess p({"--endpoint", "127.0.0.1:0", "--data-dir", dir / "data", "--ns", "127.0.0.1:1"}, dir / "output",
                  std::make_pair(rlim_t{64}, rlim_t{4096}));
  // The log is flushed every second.
  std::string log;
  CHECK(WaitUntil([&] {
    log = PathExists(dir / "data/tablet.log") ? ReadFile(dir / "data/tablet.log") : "";
    return log.find("40 replica(s) open") != std::string::npos;
  }));
  INFO(log);
  CHECK_THAT(log, Catch::Contains("soft limit raised from 64 to 4096"));
  CHECK_THAT(log, !Catch::Contains("not served"));
  p.Signal(SIGTERM);
  CHECK(p.WaitForExit() == 0);
}

}  // namespace kv::test
