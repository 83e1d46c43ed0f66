#include "cluster/storage/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace kv::storage {

spdlog::logger& Log() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto existing = spdlog::get("kv.storage");
    return existing ? existing : spdlog::stderr_color_mt("kv.storage");
  }();
  return *logger;
}

}  // namespace kv::storage
