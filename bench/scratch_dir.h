// Folders the benchmark writes into: its own temporary ones, and ones the user
// names, which must not already hold something.
#pragma once

#include <string>

#include "common/status.h"

namespace kv::bench {

// OK when dir is missing or an empty folder; InvalidArgument otherwise, the
// message ending with advice (what to do instead).
Status RequireEmptyFolder(const std::string& dir, const std::string& advice);

// A folder of the benchmark's own, made fresh and removed with its contents
// when the object dies: the append modes each write into a new, empty log.
class ScratchDir {
 public:
  // Makes <root>/<prefix>-XXXXXX; root is $TMPDIR (or /tmp) when empty.
  static Result<ScratchDir> Create(const std::string& root, const std::string& prefix);
  ScratchDir(ScratchDir&& o) noexcept : path_(std::move(o.path_)) { o.path_.clear(); }
  ScratchDir& operator=(ScratchDir&&) = delete;
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ~ScratchDir();

  const std::string& path() const { return path_; }

 private:
  explicit ScratchDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

}  // namespace kv::bench
