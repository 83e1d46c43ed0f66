#include "bench/scratch_dir.h"

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "common/file.h"

namespace kv::bench {

Status RequireEmptyFolder(const std::string& dir, const std::string& advice) {
  if (!PathExists(dir)) return Status::OK();
  if (!IsDirectory(dir)) return Status::InvalidArgument(dir + " is not a folder");
  KV_ASSIGN_OR_RETURN(std::vector<std::string> names, ListDir(dir));
  if (!names.empty()) return Status::InvalidArgument(dir + " is not empty; " + advice);
  return Status::OK();
}

Result<ScratchDir> ScratchDir::Create(const std::string& root, const std::string& prefix) {
  std::string base = root;
  if (base.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    base = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
  }
  std::string templ = base + "/" + prefix + "-XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr) return Status::FromErrno("create a folder under " + base, errno);
  return ScratchDir(std::string(buf.data()));
}

ScratchDir::~ScratchDir() {
  if (path_.empty()) return;
  std::error_code ignored;  // a leftover temp folder is not worth failing a benchmark for
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace kv::bench
