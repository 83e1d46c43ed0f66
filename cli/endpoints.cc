#include "cli/endpoints.h"

#include <charconv>

namespace kv::cli {
namespace {

// No description: it would be appended to the flag's type name in the help.
CLI::Validator FromStatus(std::function<Status(const std::string&)> check) {
  return CLI::Validator([check = std::move(check)](std::string& value) -> std::string {
    const Status s = check(value);
    return s.ok() ? std::string() : s.message();
  }, "");
}

}  // namespace

Status CheckEndpoint(const std::string& endpoint, const std::string& what, PortZero port_zero) {
  const size_t colon = endpoint.rfind(':');
  const std::string bad = "bad " + what + " endpoint '" + endpoint + "': ";
  if (colon == std::string::npos || colon == 0) return Status::InvalidArgument(bad + "expected host:port");
  const std::string port = endpoint.substr(colon + 1);
  const unsigned lowest = port_zero == PortZero::kAllowed ? 0 : 1;
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || end != port.data() + port.size() || value < lowest || value > 65535) {
    return Status::InvalidArgument(bad + "the port must be a number from " + std::to_string(lowest) + " to 65535");
  }
  return Status::OK();
}

Result<std::vector<std::string>> ParseEndpointList(const std::string& text, const std::string& what) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string part = text.substr(start, comma - start);
    if (!part.empty()) {
      KV_RETURN_IF_ERROR(CheckEndpoint(part, what));
      out.push_back(std::move(part));
    }
    start = comma + 1;
  }
  if (out.empty()) return Status::InvalidArgument("no " + what + " endpoint in '" + text + "'");
  return out;
}

CLI::Validator EndpointValidator(const std::string& what, PortZero port_zero) {
  return FromStatus([what, port_zero](const std::string& value) { return CheckEndpoint(value, what, port_zero); });
}

CLI::Validator EndpointListValidator(const std::string& what) {
  return FromStatus([what](const std::string& value) { return ParseEndpointList(value, what).status(); });
}

}  // namespace kv::cli
