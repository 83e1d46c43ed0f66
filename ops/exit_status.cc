#include "ops/exit_status.h"

#include "cli/command.h"

namespace kv::ops {

int Fail(const Status& s) { return cli::ReportError(s); }

}  // namespace kv::ops
