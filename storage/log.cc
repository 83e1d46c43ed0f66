#include "storage/log.h"

#include "common/logger.h"

namespace kv::storage {

spdlog::logger& Log() {
  static const std::shared_ptr<spdlog::logger> logger = RegisteredOrStderrLogger("kv.storage");
  return *logger;
}

}  // namespace kv::storage
