#include "ops/exit_status.h"

#include <cstdio>

#include "cli/command.h"

namespace kv::ops {

int ExitCodeFor(const Status& s) {
  if (s.ok()) return cli::kExitOk;
  return s.IsInvalidArgument() ? cli::kExitUsage : cli::kExitFailed;
}

int Fail(const Status& s) {
  std::fprintf(stderr, "ops: %s\n", s.message().c_str());
  return ExitCodeFor(s);
}

}  // namespace kv::ops
