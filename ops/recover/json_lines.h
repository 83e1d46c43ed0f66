// Reading the JSON-lines files of `ops recoverdata` (inspect reports, collect
// and plan files): shared by their parsers, internal to ops/recover.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace kv::recover {

// Calls visit for each non-empty line with its 1-based number, its object and
// its "type". A line that is not a JSON object with a string "type" (a
// truncated or foreign file) is InvalidArgument naming `where` and the line.
// Returns the number of lines visited, or the first error visit returned.
using JsonLineVisitor = std::function<Status(size_t line_no, const nlohmann::json& j, const std::string& type)>;
Result<size_t> ForEachJsonLine(std::string_view text, const std::string& where, const JsonLineVisitor& visit);

// obj[name] as an array of strings; Corruption naming where and the field otherwise.
Result<std::vector<std::string>> StringArrayField(const nlohmann::json& obj, const char* name, const std::string& where);
// obj[name] as an unsigned integer, or nullopt when absent or null.
Result<std::optional<uint64_t>> OptionalUintField(const nlohmann::json& obj, const char* name, const std::string& where);

}  // namespace kv::recover
