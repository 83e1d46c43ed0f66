#include "cluster/meta/meta_errors.h"

#include "cluster/meta/meta_store.h"

namespace kv::meta {

Status VersionConflict(const std::string& key, int64_t expected, std::optional<int64_t> actual) {
  std::string want = expected == kMustNotExist ? "expected no value"
                                               : "expected version " + std::to_string(expected);
  std::string have = actual ? "it is at version " + std::to_string(*actual) : "it holds no value";
  return Status::FailedPrecondition("metadata key '" + key + "' changed: " + want + ", " + have);
}

Status ConcurrentChange(const std::string& key) {
  return Status::FailedPrecondition("metadata key '" + key + "' changed while it was being written");
}

Status StoreClosed() { return Status::FailedPrecondition("metadata store is closed"); }

}  // namespace kv::meta
