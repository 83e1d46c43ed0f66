#include "tests/test_util.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <thread>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "common/crc32c.h"

namespace kv::test {
namespace fs = std::filesystem;

TempDir::TempDir() {
  std::string tmpl = (fs::temp_directory_path() / "kvtest-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
  if (!out) throw std::runtime_error("cannot write " + path);
}

void FlipBit(const std::string& path, uint64_t pos, int bit) {
  std::string d = ReadFile(path);
  if (pos >= d.size()) throw std::runtime_error("FlipBit past the end of " + path);
  d[pos] = static_cast<char>(d[pos] ^ (1 << bit));
  WriteFile(path, d);
}

void ZeroRange(const std::string& path, uint64_t pos, uint64_t len) {
  std::string d = ReadFile(path);
  if (pos + len > d.size()) throw std::runtime_error("ZeroRange past the end of " + path);
  for (uint64_t i = pos; i < pos + len; ++i) d[i] = 0;
  WriteFile(path, d);
}

void TruncateFile(const std::string& path, uint64_t size) {
  if (::truncate(path.c_str(), static_cast<off_t>(size)) != 0) throw std::runtime_error("truncate failed");
}

void AppendBytes(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::app);
  out << data;
}

std::vector<std::string> ProgramRun::OutLines() const {
  std::vector<std::string> lines;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

namespace {
// Kills and reaps the child by PID unless it was already reaped.
struct ChildGuard {
  pid_t pid;
  ~ChildGuard() {
    if (pid <= 0) return;
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }
};
}  // namespace

ProgramRun RunProgram(const std::vector<std::string>& argv, int timeout_seconds) {
  TempDir io;
  const std::string out_path = io / "stdout", err_path = io / "stderr";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, argv.at(0).c_str(), &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  INFO("spawning " << argv.at(0));
  REQUIRE(rc == 0);
  ChildGuard child{pid};
  ProgramRun run;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  int status = 0;
  for (;;) {
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      child.pid = -1;
      if (WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
      break;
    }
    if ((r < 0 && errno != EINTR) || std::chrono::steady_clock::now() > deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // polling the exit, bounded by the deadline
  }
  run.out = ReadFile(out_path);
  run.err = ReadFile(err_path);
  return run;
}

std::vector<nlohmann::json> JsonLines(const std::string& out) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    INFO("JSON line: " << line);
    REQUIRE(nlohmann::json::accept(line));
    lines.push_back(nlohmann::json::parse(line));
  }
  return lines;
}

std::string FingerprintTree(const std::string& dir) {
  std::map<std::string, std::string> rows;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    const std::string rel = fs::relative(e.path(), dir).string();
    if (e.is_regular_file()) {
      std::string data = ReadFile(e.path().string());
      rows[rel] = std::to_string(data.size()) + ":" + std::to_string(crc32c::Value(data));
    } else {
      rows[rel] = "dir";
    }
  }
  std::string out;
  for (const auto& [k, v] : rows) out += k + "=" + v + "\n";
  return out;
}

}  // namespace kv::test
