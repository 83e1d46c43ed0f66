// The files `ops recoverdata` writes (collect and plan files) are evidence of
// what was decided and why: never overwritten.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace kv::recover {

// InvalidArgument (exit 2) when path exists already, naming it.
Status CheckNewFile(const std::string& path);
// Writes text to path atomically, after CheckNewFile.
Status WriteNewFile(const std::string& path, std::string_view text);

}  // namespace kv::recover
