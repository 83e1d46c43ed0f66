// Asking an operator before something that cannot be undone.
#pragma once

#include <cstdio>
#include <string>

#include "common/status.h"

namespace kv::ops {

// Writes "question [y/N] " to err and reads one line from in: true for y or
// yes (any case), false for anything else, an empty line included.
// InvalidArgument when no line comes (stdin closed or at its end): a script
// that forgot --yes must not hang or decide by default.
Result<bool> Confirm(const std::string& question, FILE* in, FILE* err);

}  // namespace kv::ops
