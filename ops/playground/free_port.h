// Free TCP ports on the loopback interface, for servers started on the spot.
#pragma once

#include <set>

#include "common/status.h"

namespace kv::ops {

// A port nothing listens on right now (the kernel's pick for 127.0.0.1:0),
// not in `taken`, which it is added to. A port is free only until someone
// binds it, so callers start their server soon and check that it came up.
Result<int> PickFreePort(std::set<int>* taken);

}  // namespace kv::ops
