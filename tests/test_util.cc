#include "tests/test_util.h"

#include <fcntl.h>
#include <unistd.h>

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
