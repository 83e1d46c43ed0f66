// How `ops` ends on an error: "ops: <message>" on stderr and the exit code of
// the toolkit's one policy (cli::ExitCodeFor: 2 bad usage or a named table,
// tablet or file that is not there; 1 an operation that ran and failed).
#pragma once

#include "common/status.h"

namespace kv::ops {

// Prints "ops: <message>" and returns cli::ExitCodeFor(s).
int Fail(const Status& s);

}  // namespace kv::ops
