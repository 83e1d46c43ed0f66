// The tablet's logger (spdlog "kv.tablet"). The binary gives it, and the
// storage library's "kv.storage", a file sink in the data dir beside stderr.
#pragma once

#include <spdlog/spdlog.h>

namespace kv::tablet {

spdlog::logger& Log();

}  // namespace kv::tablet
