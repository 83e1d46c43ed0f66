// Where the nameservers are: --ns HOST:PORT[,HOST:PORT...] or $KV_NS.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace kv::ops {

inline constexpr const char* kNsEnv = "KV_NS";

// "HOST:PORT" with a port from 1 to 65535; InvalidArgument naming what the
// endpoint is for ("nameserver", "tablet") and what is wrong.
Status CheckEndpoint(const std::string& endpoint, const std::string& what = "nameserver");
// Splits and checks "host:port,host:port"; InvalidArgument naming the bad part.
Result<std::vector<std::string>> ParseEndpointList(const std::string& text);
// The flag when given, else the environment's value (nullptr = unset);
// InvalidArgument when neither names a nameserver.
Result<std::vector<std::string>> ResolveNameservers(const std::string& flag, const char* env);

}  // namespace kv::ops
