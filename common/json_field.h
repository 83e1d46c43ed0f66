// Reading JSON documents (metadata values, replica.json, manifests) without
// exceptions: each field is type-checked, and a bad document gives one line
// naming where it came from (a file, a metadata key) and the field, so an
// operator knows what to look at.
#pragma once

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <type_traits>

#include "common/status.h"

namespace kv {

// text as a JSON object, or Corruption("<where>: ...").
Result<nlohmann::json> ParseJsonObject(std::string_view text, const std::string& where);

// obj[name] as T: std::string, bool, nlohmann::json (an array), double (any
// number), or an integer type it must fit (a negative or oversized number is
// refused, never wrapped).
// Corruption("<where>: field <name> is missing or not <what T is>") otherwise.
template <typename T>
Result<T> JsonField(const nlohmann::json& obj, const char* name, const std::string& where) {
  auto it = obj.find(name);
  bool fits = false;
  const char* expected = "";
  if (it != obj.end()) {
    if constexpr (std::is_same_v<T, std::string>) {
      expected = "a string";
      fits = it->is_string();
    } else if constexpr (std::is_same_v<T, bool>) {
      expected = "a boolean";
      fits = it->is_boolean();
    } else if constexpr (std::is_same_v<T, nlohmann::json>) {
      expected = "an array";
      fits = it->is_array();
    } else if constexpr (std::is_same_v<T, double>) {
      expected = "a number";
      fits = it->is_number();
    } else if constexpr (std::is_signed_v<T>) {
      expected = "a signed integer in range";
      fits = it->is_number_integer() &&
             (it->is_number_unsigned() ? it->template get<uint64_t>() <= uint64_t(std::numeric_limits<T>::max())
                                       : it->template get<int64_t>() >= std::numeric_limits<T>::min() &&
                                             it->template get<int64_t>() <= std::numeric_limits<T>::max());
    } else {
      static_assert(std::is_unsigned_v<T>, "JsonField: unsupported type");
      expected = std::is_same_v<T, uint64_t> ? "an unsigned integer" : "an unsigned integer in range";
      fits = it->is_number_unsigned() && it->template get<uint64_t>() <= std::numeric_limits<T>::max();
    }
  }
  if (!fits) return Status::Corruption(where + ": field " + name + " is missing or not " + expected);
  return it->template get<T>();
}

}  // namespace kv
