#include "common/json_field.h"

namespace kv {

Result<nlohmann::json> ParseJsonObject(std::string_view text, const std::string& where) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::Corruption(where + ": not valid JSON");
  if (!j.is_object()) return Status::Corruption(where + ": not a JSON object");
  return j;
}

}  // namespace kv
