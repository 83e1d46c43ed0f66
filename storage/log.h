// The library's logger: spdlog, to stderr (stdout belongs to the tools' output).
// Internal to kv_storage.
#pragma once

#include <spdlog/spdlog.h>

#include <memory>

namespace kv::storage {

spdlog::logger& Log();

}  // namespace kv::storage
