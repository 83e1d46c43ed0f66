#include "tests/ops_run_util.h"

#include <sys/wait.h>

#include <cstdlib>
#include <sstream>

namespace kv::test {
namespace {

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

}  // namespace

Run RunOps(const TempDir& tmp, const std::vector<std::string>& args, const std::string& kv_ns,
           const std::string& input) {
  std::string cmd = kv_ns.empty() ? "env -u KV_NS " : "env KV_NS=" + Quote(kv_ns) + " ";
  cmd += Quote(KV_BINARY_DIR "/ops/ops");
  for (const std::string& a : args) cmd += " " + Quote(a);
  std::string in = "/dev/null";
  if (!input.empty()) {
    in = tmp / "stdin";
    WriteFile(in, input);
  }
  cmd += " < " + Quote(in) + " > " + Quote(tmp / "out") + " 2> " + Quote(tmp / "err");
  const int status = std::system(cmd.c_str());
  Run r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = ReadFile(tmp / "out");
  r.err = ReadFile(tmp / "err");
  return r;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace kv::test
