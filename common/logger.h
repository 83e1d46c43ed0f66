// A component's spdlog logger, to stderr (stdout belongs to the tools' output),
// shared with whoever registered the same name first (a daemon's main() may
// register it with its own sinks: a file under the data dir and stderr).
// Header-only, so kv_common itself does not depend on spdlog.
#pragma once

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <string>

namespace kv {

inline std::shared_ptr<spdlog::logger> RegisteredOrStderrLogger(const std::string& name) {
  auto existing = spdlog::get(name);
  return existing ? existing : spdlog::stderr_color_mt(name);
}

}  // namespace kv
