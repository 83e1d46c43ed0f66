// Where the nameservers are: --ns HOST:PORT[,HOST:PORT...] or $KV_NS, read by
// the rules of cli/endpoints.h.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace kv::ops {

inline constexpr const char* kNsEnv = "KV_NS";

// The flag when given, else the environment's value (nullptr = unset);
// InvalidArgument when neither names a nameserver, or one breaks the rules.
Result<std::vector<std::string>> ResolveNameservers(const std::string& flag, const char* env);

}  // namespace kv::ops
