// Helpers shared by the tests: temporary folders, file surgery, WAL fixtures.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace kv::test {

// A fresh folder under $TMPDIR, removed with everything in it when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& data);
// Flips one bit of the byte at pos.
void FlipBit(const std::string& path, uint64_t pos, int bit = 0);
// Overwrites [pos, pos+len) with zeros.
void ZeroRange(const std::string& path, uint64_t pos, uint64_t len);
void TruncateFile(const std::string& path, uint64_t size);
void AppendBytes(const std::string& path, const std::string& data);
// A program run to its end: exit code (-1 when killed by a signal or stopped at
// the deadline) and everything it printed.
struct ProgramRun {
  int exit_code = -1;
  std::string out;
  std::string err;
  std::vector<std::string> OutLines() const;
};
// Runs argv[0] with argv, capturing stdout and stderr. The child is killed and
// reaped by its PID if it outlives the deadline or the test fails meanwhile.
ProgramRun RunProgram(const std::vector<std::string>& argv, int timeout_seconds = 60);
// Every line of out parsed as JSON; a line that does not parse fails the test.
std::vector<nlohmann::json> JsonLines(const std::string& out);

// SHA-free fingerprint of every file under dir (path, size, crc32c), for "nothing changed" checks.
std::string FingerprintTree(const std::string& dir);

}  // namespace kv::test
