// The cluster settings operators read and change with `confget` / `confset`,
// persisted one per key under /config/<key>. Only known keys with valid values
// get in: a typo must fail loudly, not sit unused in the metadata.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/status.h"

namespace kv::ns {

class ClusterConfig {
 public:
  // Every key at its default.
  ClusterConfig();

  // The canonical form of value for key ("TRUE" -> "true"); InvalidArgument
  // naming the key and what it accepts, or listing the known keys.
  static Result<std::string> Validate(const std::string& key, const std::string& value);
  // Sets a value Validate returned.
  void Set(const std::string& key, const std::string& canonical_value);
  // InvalidArgument for an unknown key.
  Result<std::string> Get(const std::string& key) const;
  const std::map<std::string, std::string>& All() const { return values_; }

 private:
  std::map<std::string, std::string> values_;
};

// "/config/<key>".
std::string ConfigKeyPath(std::string_view key);
inline constexpr std::string_view kConfigFolder = "/config";

std::string EncodeConfigValue(const std::string& value);
Result<std::string> DecodeConfigValue(std::string_view json, const std::string& key);

}  // namespace kv::ns
