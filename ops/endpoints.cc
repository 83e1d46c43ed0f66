#include "ops/endpoints.h"

#include "cli/endpoints.h"

namespace kv::ops {

Result<std::vector<std::string>> ResolveNameservers(const std::string& flag, const char* env) {
  if (!flag.empty()) return cli::ParseEndpointList(flag, "nameserver");
  if (env != nullptr && *env != '\0') {
    auto parsed = cli::ParseEndpointList(env, "nameserver");
    if (!parsed.ok()) return parsed.status().WithContext(std::string("$") + kNsEnv);
    return parsed;
  }
  return Status::InvalidArgument(std::string("no nameserver given: pass --ns HOST:PORT or set ") + kNsEnv);
}

}  // namespace kv::ops
