// Where the `nameserver` and `tablet` binaries are, for the playground.
#pragma once

#include <string>

#include "common/status.h"

namespace kv::ops {

struct ServerBinaries {
  std::string nameserver;
  std::string tablet;
};

// With bin_dir: bin_dir/{nameserver,tablet}, or a build tree's
// bin_dir/cluster/{nameserver/nameserver,tablet/tablet}. Without: beside the
// running program (installed together), or its build tree (the program in
// build/<dir>/, the servers in build/cluster/*/). NotFound lists where it looked.
Result<ServerBinaries> FindServerBinaries(const std::string& bin_dir);

// One of the toolkit's programs ("ops", "inspect", "repair"): in bin_dir (when
// given), beside the running program, or in its build tree's <name>/<name>.
// NotFound lists where it looked.
Result<std::string> FindProgram(const std::string& name, const std::string& bin_dir);

// The folder of the running program (from /proc/self/exe).
Result<std::string> OwnProgramDir();

}  // namespace kv::ops
