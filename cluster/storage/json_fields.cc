#include "cluster/storage/json_fields.h"

#include <limits>

#include "common/file.h"

namespace kv::storage {

Result<nlohmann::json> ReadJsonObject(const std::string& path) {
  KV_ASSIGN_OR_RETURN(std::string text, ReadWholeFile(path));
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::Corruption(path + ": not valid JSON");
  if (!j.is_object()) return Status::Corruption(path + ": not a JSON object");
  return j;
}

static Status BadField(const std::string& path, const char* name, const char* want) {
  return Status::Corruption(path + ": field \"" + name + "\" is missing or not " + want);
}

Result<uint64_t> UintField(const nlohmann::json& j, const char* name, const std::string& path) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_number_unsigned()) return BadField(path, name, "an unsigned integer");
  return it->get<uint64_t>();
}

Result<uint32_t> Uint32Field(const nlohmann::json& j, const char* name, const std::string& path) {
  KV_ASSIGN_OR_RETURN(uint64_t v, UintField(j, name, path));
  if (v > std::numeric_limits<uint32_t>::max()) return BadField(path, name, "a 32-bit unsigned integer");
  return static_cast<uint32_t>(v);
}

Result<std::string> StringField(const nlohmann::json& j, const char* name, const std::string& path) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_string()) return BadField(path, name, "a string");
  return it->get<std::string>();
}

Status CheckFormatVersion(const nlohmann::json& j, uint64_t supported, const std::string& path) {
  KV_ASSIGN_OR_RETURN(uint64_t v, UintField(j, "format_version", path));
  if (v != supported) {
    return Status::Corruption(path + ": format_version " + std::to_string(v) +
                              " is not supported (this build reads version " + std::to_string(supported) + ")");
  }
  return Status::OK();
}

}  // namespace kv::storage
