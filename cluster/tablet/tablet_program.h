// The tablet program (`tablet`): flags, signals, logs, then the server until
// SIGTERM or SIGINT. Its main() calls TabletMain; a test build may adjust the
// server's options first (tests/tablet_power_cut_main.cc: the WAL's files
// through a power-cut simulator), so no fault code is in `tablet` itself.
#pragma once

#include <functional>

#include "cluster/tablet/tablet_server.h"

namespace kv::tablet {

// The process's exit code: 0 after a clean stop, 1 when it cannot start, 2 for bad flags.
int TabletMain(int argc, char** argv, const std::function<void(TabletServerOptions*)>& adjust = {});

}  // namespace kv::tablet
