#include "ops/endpoints.h"

#include <charconv>

namespace kv::ops {

Status CheckEndpoint(const std::string& endpoint, const std::string& what) {
  const size_t colon = endpoint.rfind(':');
  const std::string bad = "bad " + what + " endpoint '" + endpoint + "': ";
  if (colon == std::string::npos || colon == 0) return Status::InvalidArgument(bad + "expected HOST:PORT");
  const std::string port = endpoint.substr(colon + 1);
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
    return Status::InvalidArgument(bad + "the port must be a number from 1 to 65535");
  }
  return Status::OK();
}

Result<std::vector<std::string>> ParseEndpointList(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string part = text.substr(start, comma - start);
    if (!part.empty()) {
      KV_RETURN_IF_ERROR(CheckEndpoint(part));
      out.push_back(std::move(part));
    }
    start = comma + 1;
  }
  if (out.empty()) return Status::InvalidArgument("no nameserver endpoint in '" + text + "'");
  return out;
}

Result<std::vector<std::string>> ResolveNameservers(const std::string& flag, const char* env) {
  if (!flag.empty()) return ParseEndpointList(flag);
  if (env != nullptr && *env != '\0') {
    auto parsed = ParseEndpointList(env);
    if (!parsed.ok()) return parsed.status().WithContext(std::string("$") + kNsEnv);
    return parsed;
  }
  return Status::InvalidArgument(std::string("no nameserver given: pass --ns HOST:PORT or set ") + kNsEnv);
}

}  // namespace kv::ops
