#include "cluster/meta/meta_key.h"

#include "cluster/meta/meta_store.h"

namespace kv::meta {

namespace {

bool IsValidComponent(std::string_view c) {
  if (c.empty() || c == "." || c == "..") return false;
  for (char ch : c) {
    if (ch < 0x21 || ch > 0x7e || ch == '/') return false;
  }
  return true;
}

}  // namespace

Status ValidatePath(std::string_view path, std::string_view what) {
  const std::string quoted = std::string(what) + " '" + std::string(path) + "'";
  if (path.empty() || path.front() != '/') {
    return Status::InvalidArgument(quoted + " must start with '/'");
  }
  size_t start = 1;
  for (;;) {
    size_t slash = path.find('/', start);
    std::string_view component = path.substr(start, slash == std::string_view::npos ? path.npos : slash - start);
    if (!IsValidComponent(component)) {
      return Status::InvalidArgument(quoted +
                                     ": path components must be non-empty printable ASCII, not '.' or '..'");
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return Status::OK();
}

Status ValidateKey(std::string_view key) {
  KV_RETURN_IF_ERROR(ValidatePath(key, "metadata key"));
  if (key == kElectionFolder || key.starts_with(std::string(kElectionFolder) + "/")) {
    return Status::InvalidArgument("metadata key '" + std::string(key) +
                                   "' is reserved for the leader election");
  }
  return Status::OK();
}

Status ValidateFolder(std::string_view folder) {
  if (folder == "/") return Status::OK();
  return ValidateKey(folder);
}

std::string ParentOf(std::string_view key) {
  size_t slash = key.rfind('/');
  if (slash == 0 || slash == std::string_view::npos) return "/";
  return std::string(key.substr(0, slash));
}

bool IsDirectChild(std::string_view folder, std::string_view key) {
  const std::string prefix = FolderPrefix(folder);
  if (!key.starts_with(prefix) || key.size() == prefix.size()) return false;
  return key.find('/', prefix.size()) == std::string_view::npos;
}

std::string FolderPrefix(std::string_view folder) {
  if (folder == "/") return "/";
  return std::string(folder) + "/";
}

Status ValidateWrite(std::string_view key, std::string_view value) {
  KV_RETURN_IF_ERROR(ValidateKey(key));
  if (value.size() > kMaxValueBytes) {
    return Status::InvalidArgument("value of metadata key '" + std::string(key) + "' is " +
                                   std::to_string(value.size()) + " bytes; the limit is " +
                                   std::to_string(kMaxValueBytes));
  }
  return Status::OK();
}

Status ValidateCompareAndSet(std::string_view key, std::string_view value, int64_t expected_version) {
  KV_RETURN_IF_ERROR(ValidateWrite(key, value));
  if (expected_version < kMustNotExist) {
    return Status::InvalidArgument("expected version " + std::to_string(expected_version) + " of '" +
                                   std::string(key) + "' is below -1 (kMustNotExist)");
  }
  return Status::OK();
}

}  // namespace kv::meta
