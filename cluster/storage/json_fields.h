// Reading the JSON files of a replica (replica.json, snapshot manifests) without
// exceptions: each field is type-checked, and a bad file gives one line naming
// the file and the field. Internal to kv_storage.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "common/status.h"

namespace kv::storage {

// Parses the file at path as a JSON object.
Result<nlohmann::json> ReadJsonObject(const std::string& path);

// Each returns Corruption("<path>: field <name> ...") when the field is missing or of another type.
Result<uint64_t> UintField(const nlohmann::json& j, const char* name, const std::string& path);
Result<std::string> StringField(const nlohmann::json& j, const char* name, const std::string& path);
// A uint32 (tid, pid): also refuses values that do not fit.
Result<uint32_t> Uint32Field(const nlohmann::json& j, const char* name, const std::string& path);

// Refuses a format_version other than supported, naming both.
Status CheckFormatVersion(const nlohmann::json& j, uint64_t supported, const std::string& path);

}  // namespace kv::storage
