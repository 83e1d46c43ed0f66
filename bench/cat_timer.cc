#include "bench/cat_timer.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <chrono>

extern char** environ;

namespace kv::bench {

namespace {
// Waits for pid, retrying on signals; the child is always reaped.
Result<int> Reap(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return Status::FromErrno("waitpid", errno);
  }
  return status;
}
}  // namespace

Result<double> TimeCat(const std::vector<std::string>& files) {
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>("cat"));
  argv.push_back(const_cast<char*>("--"));
  for (const std::string& f : files) argv.push_back(const_cast<char*>(f.c_str()));
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  const auto start = std::chrono::steady_clock::now();
  pid_t pid = 0;
  const int err = ::posix_spawnp(&pid, "cat", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (err != 0) return Status::FromErrno("start cat", err);
  KV_ASSIGN_OR_RETURN(int status, Reap(pid));
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Status::IOError("cat over the segment files did not exit 0 (status " + std::to_string(status) +
                           ")");
  }
  return elapsed.count();
}

}  // namespace kv::bench
