#include "storage/json_fields.h"

#include "common/file.h"

namespace kv::storage {

Result<nlohmann::json> ReadJsonObject(const std::string& path) {
  KV_ASSIGN_OR_RETURN(std::string text, ReadWholeFile(path));
  return ParseJsonObject(text, path);
}

Status CheckFormatVersion(const nlohmann::json& j, uint64_t supported, const std::string& path) {
  KV_ASSIGN_OR_RETURN(uint64_t v, JsonField<uint64_t>(j, "format_version", path));
  if (v != supported) {
    return Status::Corruption(path + ": format_version " + std::to_string(v) +
                              " is not supported (this build reads version " + std::to_string(supported) + ")");
  }
  return Status::OK();
}

}  // namespace kv::storage
