// Endpoints on command lines, "HOST:PORT" and lists "HOST:PORT,HOST:PORT", read
// by one set of rules wherever a program takes them (ops --ns and $KV_NS, the
// tablet an ops command asks, the servers' --endpoint and --ns):
//   - a host before the last colon, a port after it, a number from 1 to 65535
//     (0, "any free port", only for an address a server listens on);
//   - in a list, empty parts are skipped (a trailing comma is fine), but a list
//     must name at least one endpoint.
// Errors are one line naming what the endpoint is for and what is wrong.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "common/status.h"

namespace kv::cli {

// Port 0 asks for any free port: a server may listen there, nobody can connect to it.
enum class PortZero { kRefused, kAllowed };

// InvalidArgument "bad <what> endpoint '<endpoint>': ..." when it breaks the rules.
Status CheckEndpoint(const std::string& endpoint, const std::string& what, PortZero port_zero = PortZero::kRefused);
// The endpoints of a list, each checked (port 0 refused); InvalidArgument naming the bad part.
Result<std::vector<std::string>> ParseEndpointList(const std::string& text, const std::string& what);

// CLI11 checks of a flag or positional by the functions above: a bad value is a
// usage error "<flag>: <the function's message>".
CLI::Validator EndpointValidator(const std::string& what, PortZero port_zero = PortZero::kRefused);
CLI::Validator EndpointListValidator(const std::string& what);

}  // namespace kv::cli
