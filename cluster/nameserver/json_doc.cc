#include "cluster/nameserver/json_doc.h"

#include <limits>

namespace kv::ns {

namespace {

Status BadField(const std::string& where, const char* field, const char* expected) {
  return Status::Corruption(where + ": field " + field + " is missing or not " + expected);
}

}  // namespace

Result<nlohmann::json> ParseDocument(std::string_view text, const std::string& key) {
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Status::Corruption(key + ": value is not a JSON object");
  }
  KV_ASSIGN_OR_RETURN(uint64_t version, ReadUint(doc, "format_version", key));
  if (version != kMetaFormatVersion) {
    return Status::FailedPrecondition(key + ": format_version " + std::to_string(version) +
                                      " is not the supported " + std::to_string(kMetaFormatVersion) +
                                      " (written by another nameserver version?)");
  }
  return doc;
}

nlohmann::json NewDocument() { return nlohmann::json{{"format_version", kMetaFormatVersion}}; }

Result<uint64_t> ReadUint(const nlohmann::json& obj, const char* field, const std::string& where) {
  auto it = obj.find(field);
  if (it == obj.end() || !it->is_number_unsigned()) return BadField(where, field, "an unsigned integer");
  return it->get<uint64_t>();
}

Result<uint32_t> ReadUint32(const nlohmann::json& obj, const char* field, const std::string& where) {
  KV_ASSIGN_OR_RETURN(uint64_t value, ReadUint(obj, field, where));
  if (value > std::numeric_limits<uint32_t>::max()) return BadField(where, field, "a 32-bit unsigned integer");
  return static_cast<uint32_t>(value);
}

Result<std::string> ReadString(const nlohmann::json& obj, const char* field, const std::string& where) {
  auto it = obj.find(field);
  if (it == obj.end() || !it->is_string()) return BadField(where, field, "a string");
  return it->get<std::string>();
}

Result<bool> ReadBool(const nlohmann::json& obj, const char* field, const std::string& where) {
  auto it = obj.find(field);
  if (it == obj.end() || !it->is_boolean()) return BadField(where, field, "a boolean");
  return it->get<bool>();
}

Result<nlohmann::json> ReadArray(const nlohmann::json& obj, const char* field, const std::string& where) {
  auto it = obj.find(field);
  if (it == obj.end() || !it->is_array()) return BadField(where, field, "an array");
  return *it;
}

}  // namespace kv::ns
