#include "ops/playground/process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include "common/file.h"

namespace kv::ops {
namespace {
using Clock = std::chrono::steady_clock;

struct ProcStat {
  char state = '?';
  uint64_t start_time = 0;
};

std::optional<ProcStat> ReadProcStat(pid_t pid) {
  // A stream, not ReadWholeFile: /proc files report size 0.
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(in, text)) return std::nullopt;
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so
  // the fields start after the last ')'.
  const size_t paren = text.rfind(')');
  if (paren == std::string::npos) return std::nullopt;
  std::istringstream fields(text.substr(paren + 1));
  ProcStat stat;
  std::string skip;
  fields >> stat.state;
  for (int field = 4; field < 22; ++field) fields >> skip;  // ppid .. itrealvalue
  fields >> stat.start_time;
  if (!fields) return std::nullopt;
  return stat;
}

// Closes every descriptor from 3 up but keep. Runs between fork and exec, so
// only async-signal-safe calls.
void CloseInheritedFds(int keep, int max_fd) {
#ifdef SYS_close_range
  bool closed = keep <= 3 || ::syscall(SYS_close_range, 3u, static_cast<unsigned>(keep - 1), 0u) == 0;
  closed = closed && ::syscall(SYS_close_range, static_cast<unsigned>(keep + 1), ~0u, 0u) == 0;
  if (closed) return;
#endif
  for (int fd = 3; fd < max_fd; ++fd) {
    if (fd != keep) ::close(fd);
  }
}

[[noreturn]] void ExecChild(char* const* argv, char* const* envp, int in, int out, int err, int report_fd, int max_fd) {
  ::setsid();
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int sig : {SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGQUIT}) ::sigaction(sig, &dfl, nullptr);
  ::dup2(in, 0);
  ::dup2(out, 1);
  ::dup2(err, 2);
  // report_fd is close-on-exec: it reaches the parent only when exec fails.
  CloseInheritedFds(report_fd, max_fd);
  ::execve(argv[0], argv, envp);
  const int e = errno;
  [[maybe_unused]] ssize_t n = ::write(report_fd, &e, sizeof e);
  ::_exit(127);
}

Result<UniqueFd> OpenAppend(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return Status::FromErrno("open " + path, errno);
  return UniqueFd(fd);
}

}  // namespace

const char* ProcessStateName(ProcessState state) {
  switch (state) {
    case ProcessState::kAlive: return "alive";
    case ProcessState::kStopped: return "stopped";
    case ProcessState::kDead: return "dead";
  }
  return "?";
}

const char* StopOutcomeName(StopOutcome outcome) {
  switch (outcome) {
    case StopOutcome::kAlreadyGone: return "already gone";
    case StopOutcome::kExited: return "exited";
    case StopOutcome::kKilled: return "killed";
  }
  return "?";
}

Result<ProcessId> Spawn(const SpawnSpec& spec) {
  std::vector<std::string> args = {spec.binary};
  args.insert(args.end(), spec.args.begin(), spec.args.end());
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  // Built before fork: the child only execs.
  std::vector<std::string> environment;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry = *e;
    const std::string name = entry.substr(0, entry.find('='));
    const bool replaced = std::any_of(spec.env.begin(), spec.env.end(), [&](const auto& kv) { return kv.first == name; });
    if (!replaced) environment.push_back(entry);
  }
  for (const auto& [name, value] : spec.env) environment.push_back(name + "=" + value);
  std::vector<char*> envp;
  for (std::string& e : environment) envp.push_back(e.data());
  envp.push_back(nullptr);

  KV_ASSIGN_OR_RETURN(UniqueFd out, OpenAppend(spec.stdout_path));
  KV_ASSIGN_OR_RETURN(UniqueFd err, OpenAppend(spec.stderr_path));
  UniqueFd in(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (!in.valid()) return Status::FromErrno("open /dev/null", errno);
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) return Status::FromErrno("pipe", errno);
  UniqueFd report_read(report[0]), report_write(report[1]);
  const int max_fd = static_cast<int>(::sysconf(_SC_OPEN_MAX));

  const pid_t pid = ::fork();
  if (pid < 0) return Status::FromErrno("fork", errno);
  if (pid == 0) ExecChild(argv.data(), envp.data(), in.get(), out.get(), err.get(), report_write.get(), max_fd);

  report_write = UniqueFd();
  int exec_errno = 0;
  ssize_t n;
  do {
    n = ::read(report_read.get(), &exec_errno, sizeof exec_errno);
  } while (n < 0 && errno == EINTR);
  if (n > 0) {
    ::waitpid(pid, nullptr, 0);
    return Status::IOError("cannot run " + spec.binary + ": " + std::strerror(exec_errno));
  }
  // The exec succeeded; a process that already exited is at worst a zombie,
  // whose stat is still readable.
  auto stat = ReadProcStat(pid);
  if (!stat) {
    // Without its start time it could not be told from a later process with its PID: do not leave it behind.
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    return Status::IOError("started " + spec.binary + " as pid " + std::to_string(pid) + " but cannot read /proc/" +
                           std::to_string(pid) + "/stat; killed it");
  }
  return ProcessId{pid, stat->start_time};
}

ProcessState Probe(const ProcessId& id) {
  if (id.pid <= 0) return ProcessState::kDead;
  auto stat = ReadProcStat(id.pid);
  if (!stat || stat->start_time != id.start_time) return ProcessState::kDead;
  switch (stat->state) {
    case 'Z':
    case 'X':
      ::waitpid(id.pid, nullptr, WNOHANG);  // our child: reap it (ECHILD otherwise, harmless)
      return ProcessState::kDead;
    case 'T':
    case 't': return ProcessState::kStopped;
    default: return ProcessState::kAlive;
  }
}

Status SendSignal(const ProcessId& id, int sig) {
  if (Probe(id) == ProcessState::kDead) {
    return Status::FailedPrecondition("process " + std::to_string(id.pid) + " is not running");
  }
  if (::kill(id.pid, sig) != 0) return Status::FromErrno("kill -" + std::to_string(sig) + " " + std::to_string(id.pid), errno);
  return Status::OK();
}

bool WaitForState(const ProcessId& id, ProcessState state, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Probe(id) != state) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

bool WaitUntilGone(const ProcessId& id, std::chrono::milliseconds timeout) {
  return WaitForState(id, ProcessState::kDead, timeout);
}

Result<int> WaitForExit(const ProcessId& child, std::chrono::milliseconds timeout, const std::atomic<bool>* cancel) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    int status = 0;
    const pid_t done = ::waitpid(child.pid, &status, WNOHANG);
    if (done == child.pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (done < 0 && errno != EINTR) return Status::FromErrno("waitpid " + std::to_string(child.pid), errno);
    const bool canceled = cancel != nullptr && cancel->load();
    if (canceled || Clock::now() >= deadline) {
      ::kill(child.pid, SIGKILL);
      ::waitpid(child.pid, nullptr, 0);
      return Status::Aborted(std::string(canceled ? "interrupted" : "timed out") + "; pid " + std::to_string(child.pid) +
                             " killed");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

Status KillAndWait(const ProcessId& id) {
  if (Probe(id) == ProcessState::kDead) return Status::OK();
  ::kill(id.pid, SIGKILL);
  if (!WaitUntilGone(id, std::chrono::seconds(10))) {
    return Status::IOError("process " + std::to_string(id.pid) + " survived SIGKILL for 10 s");
  }
  return Status::OK();
}

Result<std::vector<StopOutcome>> StopAll(const std::vector<ProcessId>& ids, std::chrono::milliseconds grace) {
  std::vector<StopOutcome> outcomes(ids.size(), StopOutcome::kAlreadyGone);
  for (size_t i = 0; i < ids.size(); ++i) {
    if (Probe(ids[i]) == ProcessState::kDead) continue;
    outcomes[i] = StopOutcome::kExited;
    ::kill(ids[i].pid, SIGTERM);
    ::kill(ids[i].pid, SIGCONT);  // a stopped process acts on the pending SIGTERM once continued
  }
  const auto deadline = Clock::now() + grace;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (outcomes[i] == StopOutcome::kAlreadyGone) continue;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (WaitUntilGone(ids[i], std::max(left, std::chrono::milliseconds(0)))) continue;
    outcomes[i] = StopOutcome::kKilled;
    KV_RETURN_IF_ERROR(KillAndWait(ids[i]));
  }
  return outcomes;
}

}  // namespace kv::ops
