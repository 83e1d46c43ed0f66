#include "cluster/tablet/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace kv::tablet {

spdlog::logger& Log() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto existing = spdlog::get("kv.tablet");
    return existing ? existing : spdlog::stderr_color_mt("kv.tablet");
  }();
  return *logger;
}

}  // namespace kv::tablet
