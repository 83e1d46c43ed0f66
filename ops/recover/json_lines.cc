#include "ops/recover/json_lines.h"

#include "common/json_field.h"

namespace kv::recover {

Result<size_t> ForEachJsonLine(std::string_view text, const std::string& where, const JsonLineVisitor& visit) {
  size_t line_no = 0, visited = 0, begin = 0;
  while (begin < text.size()) {
    size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(begin, end - begin);
    begin = end + 1;
    ++line_no;
    if (line.empty()) continue;
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object() || !j.contains("type") || !j["type"].is_string()) {
      return Status::InvalidArgument(where + ": line " + std::to_string(line_no) +
                                     " is not a JSON object with a type (a truncated or foreign file?)");
    }
    ++visited;
    Status s = visit(line_no, j, j["type"].get<std::string>());
    if (!s.ok()) return Status::InvalidArgument(s.message());
  }
  return visited;
}

Result<std::vector<std::string>> StringArrayField(const nlohmann::json& obj, const char* name, const std::string& where) {
  KV_ASSIGN_OR_RETURN(nlohmann::json array, JsonField<nlohmann::json>(obj, name, where));
  std::vector<std::string> out;
  for (const nlohmann::json& s : array) {
    if (!s.is_string()) return Status::Corruption(where + ": field " + name + " holds a non-string");
    out.push_back(s.get<std::string>());
  }
  return out;
}

Result<std::optional<uint64_t>> OptionalUintField(const nlohmann::json& obj, const char* name, const std::string& where) {
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) return std::optional<uint64_t>();
  KV_ASSIGN_OR_RETURN(uint64_t v, JsonField<uint64_t>(obj, name, where));
  return std::optional<uint64_t>(v);
}

}  // namespace kv::recover
