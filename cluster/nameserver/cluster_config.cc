#include "cluster/nameserver/cluster_config.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include "cluster/nameserver/json_doc.h"

namespace kv::ns {

namespace {

using Validator = Result<std::string> (*)(const std::string& key, const std::string& value);

Result<std::string> ValidateBool(const std::string& key, const std::string& value) {
  std::string lower = value;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower == "true" || lower == "false") return lower;
  return Status::InvalidArgument(key + " takes true or false, not '" + value + "'");
}

// At least a second (shorter would fire on a slow restart), at most a week.
Result<std::string> ValidateDownTimeout(const std::string& key, const std::string& value) {
  constexpr uint64_t kMin = 1000;
  constexpr uint64_t kMax = 7ull * 24 * 3600 * 1000;
  uint64_t ms = 0;
  const char* end = value.data() + value.size();
  auto [ptr, ec] = std::from_chars(value.data(), end, ms);
  if (value.empty() || ec != std::errc() || ptr != end || ms < kMin || ms > kMax) {
    return Status::InvalidArgument(key + " takes milliseconds from " + std::to_string(kMin) + " to " +
                                   std::to_string(kMax) + ", not '" + value + "'");
  }
  return std::to_string(ms);
}

struct KeySpec {
  std::string_view name;
  std::string_view default_value;
  Validator validate;
};

constexpr std::array<KeySpec, 3> kKeys{{
    {"auto_failover", "true", ValidateBool},
    // TiKV's max-store-down-time default: 30 minutes.
    {"replica_down_timeout_ms", "1800000", ValidateDownTimeout},
    // Balancer rounds after a new tablet registers (TiKV rebalances after a scale-out).
    {"auto_balance", "true", ValidateBool},
}};

const KeySpec* FindKey(std::string_view name) {
  for (const KeySpec& spec : kKeys) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

Status UnknownKey(const std::string& key) {
  std::string known;
  for (const KeySpec& spec : kKeys) known += (known.empty() ? "" : ", ") + std::string(spec.name);
  return Status::InvalidArgument("unknown config key '" + key + "' (known keys: " + known + ")");
}

}  // namespace

ClusterConfig::ClusterConfig() {
  for (const KeySpec& spec : kKeys) values_.emplace(spec.name, spec.default_value);
}

Result<std::string> ClusterConfig::Validate(const std::string& key, const std::string& value) {
  const KeySpec* spec = FindKey(key);
  if (spec == nullptr) return UnknownKey(key);
  return spec->validate(key, value);
}

void ClusterConfig::Set(const std::string& key, const std::string& canonical_value) {
  values_[key] = canonical_value;
}

Result<std::string> ClusterConfig::Get(const std::string& key) const {
  auto it = values_.find(key);
  if (it == values_.end()) return UnknownKey(key);
  return it->second;
}

std::string ConfigKeyPath(std::string_view key) { return std::string(kConfigFolder) + "/" + std::string(key); }

std::string EncodeConfigValue(const std::string& value) {
  nlohmann::json doc = NewDocument();
  doc["value"] = value;
  return doc.dump();
}

Result<std::string> DecodeConfigValue(std::string_view text, const std::string& key) {
  KV_ASSIGN_OR_RETURN(nlohmann::json doc, ParseDocument(text, key));
  return ReadString(doc, "value", key);
}

}  // namespace kv::ns
