// Reading the JSON files of a replica (replica.json, snapshot manifests):
// fields with kv::JsonField (common/json_field.h); a bad file gives one line
// naming the file and the field. Internal to kv_storage.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "common/json_field.h"
#include "common/status.h"

namespace kv::storage {

// Parses the file at path as a JSON object.
Result<nlohmann::json> ReadJsonObject(const std::string& path);

// Refuses a format_version other than supported, naming both.
Status CheckFormatVersion(const nlohmann::json& j, uint64_t supported, const std::string& path);

}  // namespace kv::storage
