#include "ops/recover/output_file.h"

#include "common/file.h"

namespace kv::recover {

Status CheckNewFile(const std::string& path) {
  if (PathExists(path)) return Status::InvalidArgument(path + " exists already: give another -o (it is never overwritten)");
  return Status::OK();
}

Status WriteNewFile(const std::string& path, std::string_view text) {
  KV_RETURN_IF_ERROR(CheckNewFile(path));
  return WriteFileAtomic(path, text);
}

}  // namespace kv::recover
