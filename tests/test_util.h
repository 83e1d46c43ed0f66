// Helpers shared by the tests: temporary folders, file surgery, WAL fixtures.
#pragma once

#include <cstdint>
#include <filesystem>
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
// SHA-free fingerprint of every file under dir (path, size, crc32c), for "nothing changed" checks.
std::string FingerprintTree(const std::string& dir);

}  // namespace kv::test
