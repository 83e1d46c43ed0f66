#include "cluster/tablet/log.h"

#include "common/logger.h"

namespace kv::tablet {

spdlog::logger& Log() {
  static const std::shared_ptr<spdlog::logger> logger = RegisteredOrStderrLogger("kv.tablet");
  return *logger;
}

}  // namespace kv::tablet
