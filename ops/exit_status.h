// The one place where `ops` turns a failure into its line on stderr and its
// exit code: 2 when the request itself was malformed (bad flags, a value the
// nameserver rejects as invalid), 1 for everything else that failed (a missing
// table, an unreachable cluster, a refused operation).
#pragma once

#include "common/status.h"

namespace kv::ops {

int ExitCodeFor(const Status& s);
// Prints "ops: <message>" and returns ExitCodeFor(s).
int Fail(const Status& s);

}  // namespace kv::ops
