// Reading the nameserver's metadata documents (JSON values in the MetaStore)
// without exceptions: every field is type-checked, and a bad document gives one
// line naming the key and the field, so an operator knows which znode or
// record to look at.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <type_traits>

#include "common/json_field.h"
#include "common/status.h"

namespace kv::ns {

// Every document the nameserver writes carries this format_version.
inline constexpr uint64_t kMetaFormatVersion = 1;

// Parses a document stored under key: a JSON object whose format_version is
// kMetaFormatVersion (another version is refused, never misread).
Result<nlohmann::json> ParseDocument(std::string_view text, const std::string& key);
// A new document: {"format_version": kMetaFormatVersion}.
nlohmann::json NewDocument();

// Field readers for obj (the document or an object inside it); where names it
// in errors, e.g. "/tables/t1 partitions[3]". kv::JsonField does the work.
inline Result<uint64_t> ReadUint(const nlohmann::json& obj, const char* field, const std::string& where) {
  return JsonField<uint64_t>(obj, field, where);
}
inline Result<uint32_t> ReadUint32(const nlohmann::json& obj, const char* field, const std::string& where) {
  return JsonField<uint32_t>(obj, field, where);
}
inline Result<std::string> ReadString(const nlohmann::json& obj, const char* field, const std::string& where) {
  return JsonField<std::string>(obj, field, where);
}
inline Result<bool> ReadBool(const nlohmann::json& obj, const char* field, const std::string& where) {
  return JsonField<bool>(obj, field, where);
}
// A field holding a name parse() knows (a role, acks, a state:
// cluster/proto/enum_names.h); another is Corruption "<where>: unknown <what> '<name>'".
template <typename Parse>
auto ReadName(const nlohmann::json& obj, const char* field, const char* what, const std::string& where, Parse parse)
    -> Result<typename std::invoke_result_t<Parse, std::string_view>::value_type> {
  KV_ASSIGN_OR_RETURN(std::string name, ReadString(obj, field, where));
  auto value = parse(name);
  if (!value) return Status::Corruption(where + ": unknown " + what + " '" + name + "'");
  return *value;
}
// The array itself (possibly empty); anything else is Corruption.
inline Result<nlohmann::json> ReadArray(const nlohmann::json& obj, const char* field, const std::string& where) {
  return JsonField<nlohmann::json>(obj, field, where);
}

}  // namespace kv::ns
